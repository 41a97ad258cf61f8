<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ProgramError</name>
    <message>
        <source>{file}: {message}</source>
        <translation>{file}：{message}</translation>
    </message>
    <message>
        <source>{file}, line {line}, column {col}: {message}</source>
        <translation>{file} 第 {line} 行第 {col} 列：{message}</translation>
    </message>
    <message>
        <source>{file}, line {line}: {message}</source>
        <translation>{file} 第 {line} 行：{message}</translation>
    </message>
    <message>
        <source>line {line}, column {col}: {message}</source>
        <translation>第 {line} 行第 {col} 列：{message}</translation>
    </message>
    <message>
        <source>line {line}: {message}</source>
        <translation>第 {line} 行：{message}</translation>
    </message>
</context>
<context>
    <name>allowlist</name>
    <message>
        <source>it reads files, and can run code stored in them</source>
        <translation>它会读取文件，并可能运行文件中保存的代码</translation>
    </message>
    <message>
        <source>it writes files</source>
        <translation>它会写文件</translation>
    </message>
    <message>
        <source>it reads files</source>
        <translation>它会读取文件</translation>
    </message>
    <message>
        <source>it downloads and runs code from the internet</source>
        <translation>它会从互联网下载并运行代码</translation>
    </message>
    <message>
        <source>it compiles and runs code</source>
        <translation>它会编译并运行代码</translation>
    </message>
    <message>
        <source>it reaches torch&apos;s compiled internals</source>
        <translation>它会触及 torch 编译好的内部实现</translation>
    </message>
    <message>
        <source>it loads compiled code</source>
        <translation>它会加载编译好的代码</translation>
    </message>
    <message>
        <source>its tools read files, load code and start processes</source>
        <translation>其中的工具会读取文件、加载代码、启动进程</translation>
    </message>
    <message>
        <source>it loads code from archives</source>
        <translation>它会从压缩包加载代码</translation>
    </message>
    <message>
        <source>it starts processes</source>
        <translation>它会启动进程</translation>
    </message>
    <message>
        <source>it opens network connections and starts processes</source>
        <translation>它会打开网络连接并启动进程</translation>
    </message>
    <message>
        <source>it writes model files</source>
        <translation>它会写出模型文件</translation>
    </message>
    <message>
        <source>its format string can look up any attribute by name</source>
        <translation>它的格式字符串可以按名字查找任意属性</translation>
    </message>
    <message>
        <source>its backward crashes torch on an input with no rows; torch.cdist(x, x) gives every distance (pdist&apos;s are its upper triangle)</source>
        <translation>它的反向传播在没有行的输入上会让 torch 崩溃；torch.cdist(x, x) 给出全部距离（pdist 的结果是其上三角部分）</translation>
    </message>
    <message>
        <source>it writes into any object it is handed; give the distribution parameters of the shape you want instead (Normal(torch.zeros(3), torch.ones(3)))</source>
        <translation>它会写入交给它的任意对象；请直接用所需形状的参数构造分布（Normal(torch.zeros(3), torch.ones(3))）</translation>
    </message>
    <message>
        <source>a tensor</source>
        <translation>张量</translation>
    </message>
    <message>
        <source>a grad_fn</source>
        <translation>grad_fn</translation>
    </message>
    <message>
        <source>an optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>a learning-rate scheduler</source>
        <translation>学习率调度器</translation>
    </message>
    <message>
        <source>a distribution</source>
        <translation>概率分布</translation>
    </message>
    <message>
        <source>a result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>a custom autograd Function</source>
        <translation>自定义 autograd Function</translation>
    </message>
    <message>
        <source>tensor</source>
        <translation>张量</translation>
    </message>
    <message>
        <source>grad_fn</source>
        <translation>grad_fn</translation>
    </message>
    <message>
        <source>optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>learning-rate scheduler</source>
        <translation>学习率调度器</translation>
    </message>
    <message>
        <source>distribution</source>
        <translation>概率分布</translation>
    </message>
    <message>
        <source>result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>custom autograd Function</source>
        <translation>自定义 autograd Function</translation>
    </message>
    <message>
        <source>&apos;.{name}&apos; of a {layout} tensor is refused: torch resizes only ordinary tensors safely; resize its .to_dense()</source>
        <translation>不允许对 {layout} 张量使用“.{name}”：torch 只能安全地改变普通张量的大小；请改变它的 .to_dense() 的大小</translation>
    </message>
    <message>
        <source>&apos;.{name}&apos; is refused: names starting with _ are Python&apos;s and torch&apos;s internals; the only ones gradviz programs may read are a grad_fn&apos;s _saved_ values</source>
        <translation>不允许使用“.{name}”：以 _ 开头的名字属于 Python 和 torch 的内部实现；gradviz 程序唯一能读取的是 grad_fn 的 _saved_ 值</translation>
    </message>
    <message>
        <source>it is not one of the names gradviz programs may use from {namespace}</source>
        <translation>它不在 gradviz 程序可以从 {namespace} 中使用的名字之列</translation>
    </message>
    <message>
        <source>&apos;{namespace}.{name}&apos; is refused: {why}</source>
        <translation>不允许使用“{namespace}.{name}”：{why}</translation>
    </message>
    <message>
        <source>&apos;.{name}&apos; is refused: {what}</source>
        <translation>不允许使用“.{name}”：{what}</translation>
    </message>
    <message>
        <source>&apos;.forward&apos; of {module} is refused: call the layer itself ({call})</source>
        <translation>不允许使用 {module} 的“.forward”：请直接调用这个层（{call}）</translation>
    </message>
    <message>
        <source>&apos;{type}&apos; object has no attribute &apos;{name}&apos;</source>
        <translation>“{type}”对象没有属性“{name}”</translation>
    </message>
    <message>
        <source>&apos;.{name}&apos; of {module} is refused: a module offers its submodules, parameters, buffers, plain settings (numbers, strings) and nn.Module&apos;s own methods</source>
        <translation>不允许使用 {module} 的“.{name}”：模块只提供它的子模块、参数、缓冲区、普通设置（数字、字符串）和 nn.Module 自己的方法</translation>
    </message>
    <message>
        <source>it is not one of the {kind} methods and properties gradviz programs may use</source>
        <translation>它不在 gradviz 程序可以使用的{kind}方法和属性之列</translation>
    </message>
    <message>
        <source>&apos;.{name}&apos; of {a_kind} is refused: {why}</source>
        <translation>不允许使用{a_kind}的“.{name}”：{why}</translation>
    </message>
    <message>
        <source>setting &apos;.{name}&apos; is refused: names starting with _ are Python&apos;s and torch&apos;s internals</source>
        <translation>不允许设置“.{name}”：以 _ 开头的名字属于 Python 和 torch 的内部实现</translation>
    </message>
    <message>
        <source>setting &apos;.{name}&apos; is refused: gradviz programs may assign attributes only of tensors (requires_grad, grad, data) and of nn.Module objects, and this is {what}</source>
        <translation>不允许设置“.{name}”：gradviz 程序只能给张量（requires_grad、grad、data）和 nn.Module 对象的属性赋值，而这是{what}</translation>
    </message>
    <message>
        <source>setting &apos;.{name}&apos; of a tensor is refused: a program may set only a tensor&apos;s requires_grad, grad and data</source>
        <translation>不允许设置张量的“.{name}”：程序只能设置张量的 requires_grad、grad 和 data</translation>
    </message>
    <message>
        <source>setting &apos;.data&apos; to {new} is refused: it must keep the tensor&apos;s shape, dtype and device ({old}); make a new tensor instead</source>
        <translation>拒绝把 &apos;.data&apos; 设为 {new}：它必须保持张量的形状、dtype 和设备（{old}）；请改为创建一个新张量</translation>
    </message>
    <message>
        <source>setting &apos;.{name}&apos; of a module is refused: a module may be given a submodule, a parameter, a tensor or a plain value (number, string), not {what}</source>
        <translation>不允许设置模块的“.{name}”：模块的属性只能是子模块、参数、张量或普通值（数字、字符串），不能是{what}</translation>
    </message>
    <message>
        <source>setting &apos;.{name}&apos; of {module} to {new} is refused: a recurrent layer&apos;s weights keep their shape, dtype and device ({old})</source>
        <translation>拒绝把 {module} 的 &apos;.{name}&apos; 设为 {new}：循环层的权重必须保持原来的形状、dtype 和设备（{old}）</translation>
    </message>
    <message>
        <source>setting &apos;.{name}&apos; of {module} is refused: a recurrent layer&apos;s settings are fixed when it is made; make a new one instead</source>
        <translation>拒绝设置 {module} 的 &apos;.{name}&apos;：循环层的设置在创建时就已固定；请新建一个</translation>
    </message>
    <message>
        <source>setting &apos;.{name}&apos; of {module} is refused: an attention layer&apos;s settings are fixed when it is made; make a new one instead</source>
        <translation>不允许设置 {module} 的“.{name}”：注意力层的设置在创建时就已固定；请新建一个</translation>
    </message>
    <message>
        <source>setting &apos;.{name}&apos; of {module} is refused: it would replace one of the module&apos;s methods</source>
        <translation>不允许设置 {module} 的“.{name}”：这会替换掉模块的一个方法</translation>
    </message>
    <message>
        <source>the module {module}</source>
        <translation>模块 {module}</translation>
    </message>
    <message>
        <source>the module {module}, which gradviz programs may not use</source>
        <translation>模块 {module}，gradviz 程序不能使用它</translation>
    </message>
    <message>
        <source>the class {name}</source>
        <translation>类 {name}</translation>
    </message>
    <message>
        <source>the class {name}: classes can be called to make objects, but gradviz programs cannot look inside them</source>
        <translation>类 {name}：类可以调用来创建对象，但 gradviz 程序不能查看类的内部</translation>
    </message>
    <message>
        <source>a generator (what model.parameters() and the like return)</source>
        <translation>生成器（model.parameters() 之类返回的东西）</translation>
    </message>
    <message>
        <source>a generator (what model.parameters() and the like return): loop over it with for, or make a list of it</source>
        <translation>生成器（model.parameters() 之类返回的东西）：用 for 遍历它，或把它转成列表</translation>
    </message>
    <message>
        <source>one of Python&apos;s internal {type} objects</source>
        <translation>Python 内部的 {type} 对象</translation>
    </message>
    <message>
        <source>one of Python&apos;s internal {type} objects, which gradviz programs may not look into</source>
        <translation>Python 内部的 {type} 对象，gradviz 程序不能查看它</translation>
    </message>
    <message>
        <source>a function</source>
        <translation>函数</translation>
    </message>
    <message>
        <source>a function: functions can be called, but gradviz programs cannot look inside them</source>
        <translation>函数：函数可以调用，但 gradviz 程序不能查看函数的内部</translation>
    </message>
    <message>
        <source>an {type} object</source>
        <translation>{type} 对象</translation>
    </message>
    <message>
        <source>a {type} object</source>
        <translation>{type} 对象</translation>
    </message>
    <message>
        <source>an {type} object, not one of the objects gradviz programs may look into (tensors, modules, optimizers, grad_fn nodes, torch, nn, F, math, numbers, strings, lists, tuples and dicts)</source>
        <translation>{type} 对象，不在 gradviz 程序可以查看的对象之列（张量、模块、优化器、grad_fn 节点、torch、nn、F、math、数字、字符串、列表、元组和字典）</translation>
    </message>
    <message>
        <source>a {type} object, not one of the objects gradviz programs may look into (tensors, modules, optimizers, grad_fn nodes, torch, nn, F, math, numbers, strings, lists, tuples and dicts)</source>
        <translation>{type} 对象，不在 gradviz 程序可以查看的对象之列（张量、模块、优化器、grad_fn 节点、torch、nn、F、math、数字、字符串、列表、元组和字典）</translation>
    </message>
    <message>
        <source>an {type}</source>
        <translation> {type} </translation>
    </message>
    <message>
        <source>a {type}</source>
        <translation> {type} </translation>
    </message>
    <message>
        <source>it hands out the tensor&apos;s raw memory</source>
        <extracomment>Tensor methods torch declares overridable but a program may not use, and why.</extracomment>
        <translation>它会交出张量的原始内存</translation>
    </message>
    <message>
        <source>it hands out a storage class</source>
        <translation>它会交出一个存储类</translation>
    </message>
    <message>
        <source>it swaps the tensor&apos;s memory for another storage</source>
        <translation>它会把张量的内存换成另一块存储</translation>
    </message>
    <message>
        <source>it hands out a raw memory address</source>
        <translation>它会交出原始内存地址</translation>
    </message>
    <message>
        <source>it moves the tensor&apos;s memory into shared-memory files</source>
        <translation>它会把张量的内存移到共享内存文件中</translation>
    </message>
    <message>
        <source>it is about shared-memory files, which gradviz programs do not use</source>
        <translation>它与共享内存文件有关，gradviz 程序用不到</translation>
    </message>
    <message>
        <source>it manages page-locked device memory</source>
        <translation>它管理锁页的设备内存</translation>
    </message>
    <message>
        <source>it is about page-locked device memory</source>
        <translation>它与锁页的设备内存有关</translation>
    </message>
    <message>
        <source>it manages device memory</source>
        <translation>它管理设备内存</translation>
    </message>
    <message>
        <source>numpy arrays can write files (tofile) and reach raw memory (ctypes); use .tolist()</source>
        <translation>numpy 数组可以写文件（tofile）并触及原始内存（ctypes）；请用 .tolist()</translation>
    </message>
    <message>
        <source>it hands out a sparse tensor&apos;s index arrays to write into, and torch trusts them unchecked: .to_dense() shows the tensor</source>
        <translation>它交出稀疏张量可写的索引数组，而 torch 之后不再检查它们：用 .to_dense() 查看这个张量</translation>
    </message>
    <message>
        <source>it changes a sparse tensor&apos;s size under its index arrays</source>
        <translation>它在稀疏张量的索引数组之下改变它的大小</translation>
    </message>
</context>
<context>
    <name>argparse</name>
    <message>
        <source>usage: </source>
        <translation>用法：</translation>
    </message>
    <message>
        <source>options</source>
        <translation>选项</translation>
    </message>
    <message>
        <source>positional arguments</source>
        <translation>位置参数</translation>
    </message>
    <message>
        <source>show this help message and exit</source>
        <translation>显示本帮助并退出</translation>
    </message>
    <message>
        <source>%(prog)s: error: %(message)s
</source>
        <translation>%(prog)s：错误：%(message)s
</translation>
    </message>
    <message>
        <source>argument %(argument_name)s: %(message)s</source>
        <translation>参数 %(argument_name)s：%(message)s</translation>
    </message>
    <message>
        <source>the following arguments are required: %s</source>
        <translation>缺少必需的参数：%s</translation>
    </message>
    <message>
        <source>unrecognized arguments: %s</source>
        <translation>无法识别的参数：%s</translation>
    </message>
    <message>
        <source>invalid choice: %(value)r (choose from %(choices)s)</source>
        <translation>无效的选择：%(value)r（可选：%(choices)s）</translation>
    </message>
    <message>
        <source>invalid %(type)s value: %(value)r</source>
        <translation>无效的 %(type)s 值：%(value)r</translation>
    </message>
    <message>
        <source>expected one argument</source>
        <translation>需要一个参数</translation>
    </message>
    <message>
        <source>expected at least one argument</source>
        <translation>至少需要一个参数</translation>
    </message>
    <message>
        <source>expected at most one argument</source>
        <translation>最多只能有一个参数</translation>
    </message>
    <message>
        <source>ambiguous option: %(option)s could match %(matches)s</source>
        <translation>有歧义的选项：%(option)s 可以匹配 %(matches)s</translation>
    </message>
    <message>
        <source>not allowed with argument %s</source>
        <translation>不能与参数 %s 同时使用</translation>
    </message>
    <message>
        <source>one of the arguments %s is required</source>
        <translation>参数 %s 中必须给出一个</translation>
    </message>
    <message>
        <source>can&apos;t open &apos;%(filename)s&apos;: %(error)s</source>
        <translation>无法打开“%(filename)s”：%(error)s</translation>
    </message>
    <message>
        <source>expected %s argument(s)</source>
        <translation>需要 %s 个参数</translation>
    </message>
</context>
<context>
    <name>capture</name>
    <message>
        <source>the new value of {name} does not fit its shape {shape}: {error}</source>
        <extracomment>Records freed between two chances for other threads to run (see _let_go).</extracomment>
        <translation>{name} 的新值与它的形状 {shape} 不符：{error}</translation>
    </message>
    <message>
        <source>{module}.forward returned {type}, not a tensor</source>
        <translation>{module}.forward 返回的是 {type}，而不是张量</translation>
    </message>
    <message>
        <source>{module}&apos;s output has no grad_fn: none of its parameters requires grad, or it ran under torch.no_grad().</source>
        <translation>{module} 的输出没有 grad_fn：它的参数都不需要梯度，或者它是在 torch.no_grad() 下运行的。</translation>
    </message>
    <message>
        <source>&apos;{root}&apos; is a {type} holding no tensor with a grad_fn</source>
        <translation>“{root}”是一个 {type}，其中没有带 grad_fn 的张量</translation>
    </message>
    <message>
        <source>{name} is a {type}: its {n} tensors with a grad_fn ({listed}) are drawn side by side, each with a backward pass of its own.</source>
        <translation>{name} 是一个 {type}：其中 {n} 个带 grad_fn 的张量（{listed}）并排画出，每个都有自己的一次反向传播。</translation>
    </message>
    <message>
        <source>{name} is a {type}: its tensors with a grad_fn ({listed}) are drawn side by side, and backward starts from {seed}, the scalar among them.</source>
        <translation>{name} 是一个 {type}：其中带 grad_fn 的张量（{listed}）并排画出，反向传播从其中的标量 {seed} 开始。</translation>
    </message>
    <message>
        <source>the program never assigns &apos;{name}&apos;, the variable chosen as the graph&apos;s root</source>
        <translation>程序从未给“{name}”赋值，而它是被选作计算图根节点的变量</translation>
    </message>
    <message>
        <source>&apos;{root}&apos; is a {type}, not a tensor</source>
        <translation>“{root}”是 {type}，不是张量</translation>
    </message>
    <message>
        <source>gradviz ran {call} to show gradients, and torch refused: {error}: call backward yourself, with a real scalar to start from (loss.abs().sum(), loss.to_dense().sum())</source>
        <translation>gradviz 运行了 {call} 来显示梯度，但 torch 拒绝了：{error}：请自己调用 backward，从一个实数标量开始（loss.abs().sum()、loss.to_dense().sum()）</translation>
    </message>
    <message>
        <source>The program made no tensors, so there is no graph to show.</source>
        <translation>程序没有创建任何张量，所以没有计算图可以显示。</translation>
    </message>
    <message>
        <source>The program made no tensor that needs a gradient, so autograd recorded no graph.</source>
        <translation>程序没有创建需要梯度的张量，所以 autograd 没有记录计算图。</translation>
    </message>
    <message>
        <source>, line {line}</source>
        <translation>（第 {line} 行）</translation>
    </message>
    <message>
        <source>{name} is a leaf tensor with requires_grad=True: it has no grad_fn because no operation made it{where}. Compute something from it to see a graph.</source>
        <translation>{name} 是 requires_grad=True 的叶子节点：它没有 grad_fn，因为它不是由运算得到的{where}。用它计算点什么，就能看到计算图。</translation>
    </message>
    <message>
        <source>{name} has no grad_fn because {cause}{where}.</source>
        <translation>{name} 没有 grad_fn，因为{cause}{where}。</translation>
    </message>
    <message>
        <source> Operations inside torch.no_grad() are not recorded: compute it outside the block.</source>
        <translation>torch.no_grad() 里的运算不会被记录：请在这个块之外计算它。</translation>
    </message>
    <message>
        <source> Operations inside torch.inference_mode() are not recorded: compute it outside.</source>
        <translation>torch.inference_mode() 里的运算不会被记录：请在外面计算它。</translation>
    </message>
    <message>
        <source> A detached tensor is a constant to autograd: gradients do not flow through it.</source>
        <translation>detach 后的张量对 autograd 来说是常量：梯度不会流过它。</translation>
    </message>
    <message>
        <source> Set requires_grad=True on the leaf tensors you want gradients for.</source>
        <translation>请给想求梯度的叶子节点设置 requires_grad=True。</translation>
    </message>
    <message>
        <source>&apos;{spec}&apos; is not of the form path/to/file.py:ClassName</source>
        <translation>“{spec}”不是 path/to/file.py:ClassName 的形式</translation>
    </message>
    <message>
        <source>&apos;{path}&apos;: only constant keys and indices may be used in a path</source>
        <translation>“{path}”：路径中只能使用常量键和下标</translation>
    </message>
    <message>
        <source>&apos;{path}&apos; is not a variable or a path such as out[0], out[&apos;logits&apos;], out.loss</source>
        <translation>“{path}”不是变量，也不是 out[0]、out[&apos;logits&apos;]、out.loss 这样的路径</translation>
    </message>
    <message>
        <source>no fields</source>
        <translation>没有字段</translation>
    </message>
    <message>
        <source>&apos;{path}&apos;: a {type} has no submodule or tensor {key!r} here ({offered})</source>
        <translation>“{path}”：这里的 {type} 没有子模块或张量 {key!r}（{offered}）</translation>
    </message>
    <message>
        <source>&apos;{path}&apos;: a {type} has no field {key!r} here ({offered})</source>
        <translation>“{path}”：这里的 {type} 没有字段 {key!r}（{offered}）</translation>
    </message>
    <message>
        <source>&apos;{path}&apos;: a {type} has no item [{key!r}]</source>
        <translation>“{path}”：{type} 没有元素 [{key!r}]</translation>
    </message>
    <message>
        <source>gradviz put every .grad it touched back as the block left it.</source>
        <translation>gradviz 已把它动过的每个 .grad 恢复成这个块结束时的样子。</translation>
    </message>
    <message>
        <source>not saved: the gradient that would need it is not required (the input it serves needs no grad)</source>
        <translation>没有保存：需要它的那个梯度不必计算（它服务的输入不需要梯度）</translation>
    </message>
    <message>
        <source>freed</source>
        <translation>已释放</translation>
    </message>
    <message>
        <source>freed by an earlier backward (use retain_graph=True)</source>
        <translation>已被之前的反向传播释放（请使用 retain_graph=True）</translation>
    </message>
    <message>
        <source>torch.utils.checkpoint keeps no copy after the forward and recomputes it during backward; gradviz does not read it, since reading would run the checkpointed code again</source>
        <translation>torch.utils.checkpoint 在前向传播后不保留副本，而是在反向传播时重新计算；gradviz 不读取它，因为读取会再次运行被 checkpoint 的代码</translation>
    </message>
    <message>
        <source>recomputed in backward</source>
        <translation>在反向传播中重新计算</translation>
    </message>
    <message>
        <source>enum value {value}</source>
        <translation>枚举值 {value}</translation>
    </message>
    <message>
        <source>{calls} and {last}</source>
        <translation>{calls} 和 {last}</translation>
    </message>
    <message>
        <source>The block calls no backward, so gradviz ran {calls} to show gradients.</source>
        <translation>这个块没有调用 backward，所以 gradviz 运行了 {calls} 来显示梯度。</translation>
    </message>
    <message>
        <source>The program does not call backward, so gradviz ran {calls} to show gradients.</source>
        <translation>程序没有调用 backward，所以 gradviz 运行了 {calls} 来显示梯度。</translation>
    </message>
    <message>
        <source>torch.utils.checkpoint (use_reentrant=True) keeps no graph of the checkpointed code in the forward: during backward it ran that code again and then backward through it (pass {which}). Those {count} nodes are marked &quot;{marked}&quot;; the parameters the checkpointed code uses get their gradients there.</source>
        <translation>torch.utils.checkpoint（use_reentrant=True）在前向传播中不保留被 checkpoint 代码的计算图：反向传播时它重新运行这段代码，再对它做反向传播（第 {which} 次）。这 {count} 个节点标为“{marked}”；被 checkpoint 的代码用到的参数在那里得到梯度。</translation>
    </message>
    <message>
        <source>torch.utils.checkpoint (use_reentrant=True) keeps no graph of the checkpointed code in the forward: during backward it ran that code again and then backward through it (passes {which}). Those {count} nodes are marked &quot;{marked}&quot;; the parameters the checkpointed code uses get their gradients there.</source>
        <translation>torch.utils.checkpoint（use_reentrant=True）在前向传播中不保留被 checkpoint 代码的计算图：反向传播时它重新运行这段代码，再对它做反向传播（第 {which} 次）。这 {count} 个节点标为“{marked}”；被 checkpoint 的代码用到的参数在那里得到梯度。</translation>
    </message>
    <message>
        <source> (in {modules})</source>
        <translation>（在 {modules} 中）</translation>
    </message>
    <message>
        <source>{count} nodes{inside} ran under torch.utils.checkpoint (use_reentrant=False): autograd kept none of their saved tensors after the forward and recomputed them during backward. The graph and values shown are the forward&apos;s; the recomputation builds no nodes of its own.</source>
        <translation>{count} 个节点{inside}在 torch.utils.checkpoint（use_reentrant=False）下运行：autograd 在前向传播后没有保留它们保存的张量，而是在反向传播时重新计算。这里显示的计算图和数值来自前向传播；重新计算不会生成自己的节点。</translation>
    </message>
    <message>
        <source>importing {file} raised {error}</source>
        <extracomment>Frames shown under a located error, innermost last.</extracomment>
        <translation>导入 {file} 时出错：{error}</translation>
    </message>
    <message>
        <source>cannot load {path} as Python</source>
        <extracomment>How far up from the file its imports&apos; root folder is looked for.</extracomment>
        <translation>无法把 {path} 当作 Python 加载</translation>
    </message>
    <message>
        <source>{name} is looked for in the current folder ({folder}), as Python does: start gradviz from the folder your code expects it in (the repository&apos;s top folder, most often)</source>
        <translation>和 Python 一样，{name} 是在当前文件夹（{folder}）里找的：请在你的代码期望它所在的文件夹里启动 gradviz（多半是仓库的顶层文件夹）</translation>
    </message>
    <message>
        <source>gradviz runs your file with its own Python ({python}), which has no module {module!r}: install it there (`{python} -m pip install {package}`), or, if {name} is your own code, put it beside the file or in its package</source>
        <translation>gradviz 用它自己的 Python（{python}）运行你的文件，而这个 Python 没有模块 {module!r}：请把它装到那里（`{python} -m pip install {package}`）；如果 {name} 是你自己的代码，请把它放在文件旁边或文件所在的包里</translation>
    </message>
    <message>
        <source>there is no installed module {module!r}, but there is {path}: your code finds it when it runs from the folder it expects (it may add a folder to sys.path relative to the current one, {folder}): start gradviz from that folder</source>
        <translation>没有安装名为 {module!r} 的模块，但存在 {path}：你的代码要从它预期的文件夹运行时才能找到它（代码可能把相对于当前文件夹 {folder} 的某个文件夹加入了 sys.path）：请在那个文件夹里启动 gradviz</translation>
    </message>
    <message>
        <source>gradviz runs your file with nothing to type into, so input() gets no answer: give the value in the file, or move the question under `if __name__ == &quot;__main__&quot;:`</source>
        <translation>gradviz 运行你的文件时没有可以输入的地方，所以 input() 得不到回答：请把值写在文件里，或把提问移到 `if __name__ == &quot;__main__&quot;:` 下面</translation>
    </message>
    <message>
        <source>{what} &apos;{text}&apos; is not a Python argument list ({error}): write it as you would between the brackets of a call, e.g. &apos;x, targets=y&apos;</source>
        <translation>{what}“{text}”不是 Python 参数列表（{error}）：请像写在函数调用括号里那样写，例如 &apos;x, targets=y&apos;</translation>
    </message>
    <message>
        <source>{what}: *unpacking is not supported; write each argument out</source>
        <translation>{what}：不支持 * 解包；请逐个写出每个参数</translation>
    </message>
    <message>
        <source>{what}: **unpacking is not supported; write each keyword argument out</source>
        <translation>{what}：不支持 ** 解包；请逐个写出每个关键字参数</translation>
    </message>
    <message>
        <source>(while evaluating {what}: {text})</source>
        <translation>（计算 {what} 时：{text}）</translation>
    </message>
    <message>
        <source>{what} &apos;{text}&apos; raised {error}</source>
        <translation>{what}“{text}”出错：{error}</translation>
    </message>
    <message>
        <source>{path} has no class {name}; it defines {found}</source>
        <extracomment>Names the program itself uses: an input named like one of them gets a suffix. Names the expression language offers; an argument using only these is written into the program.</extracomment>
        <translation>{path} 中没有类 {name}；它定义了 {found}</translation>
    </message>
    <message>
        <source>{path} has no class {name}; it defines no nn.Module</source>
        <translation>{path} 中没有类 {name}；它没有定义任何 nn.Module</translation>
    </message>
    <message>
        <source>{name} in {path} is neither a subclass of torch.nn.Module nor a function that returns one</source>
        <translation>{path} 中的 {name} 既不是 torch.nn.Module 的子类，也不是返回 nn.Module 的函数</translation>
    </message>
    <message>
        <source>{call} returned a {type}, not an nn.Module: give the class, or a function that returns the model</source>
        <translation>{call} 返回的是 {type}，而不是 nn.Module：请给出类，或返回模型的函数</translation>
    </message>
    <message>
        <source>the input has no argument {name!r} (it has {names})</source>
        <translation>输入中没有参数 {name!r}（它有：{names}）</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>cannot guess the input: give an input such as &apos;torch.rand(1, 50)&apos; (several arguments and keywords as in a call: &apos;x, targets=y&apos;)</source>
        <translation>无法猜出输入：请给出输入，例如 &apos;torch.rand(1, 50)&apos;（多个参数和关键字参数像函数调用里那样写：&apos;x, targets=y&apos;）</translation>
    </message>
    <message>
        <source>{call} raised {error}</source>
        <translation>{call} 出错：{error}</translation>
    </message>
    <message>
        <source>the program has made more than {limit:,} autograd nodes: gradviz keeps every one to draw it, and stops here; run fewer steps (a loop of n steps makes a node per operation in each)</source>
        <translation>程序生成的 autograd 节点已超过 {limit:,} 个：gradviz 要保留每一个才能画出来，所以在这里停下；请少跑几步（n 步的循环每一步的每个运算都会生成一个节点）</translation>
    </message>
    <message>
        <source>the program has run backward more than {limit:,} times: gradviz keeps every pass to step through it, and stops here; train with fewer steps (or in the Train panel, which keeps only the loss)</source>
        <translation>程序调用 backward 已超过 {limit:,} 次：gradviz 要保留每一遍才能逐步演示，所以在这里停下；请用更少的步数训练（或者用只记录损失的“训练”面板）</translation>
    </message>
    <message>
        <source>a tensor with more than {limit} dimensions: gradviz shows up to {limit} (operation {op})</source>
        <translation>张量超过 {limit} 维：gradviz 最多显示 {limit} 维（运算 {op}）</translation>
    </message>
    <message>
        <source>an operation with more than {limit:,} inputs: gradviz draws up to {limit:,} (operation {op})</source>
        <translation>运算的输入超过 {limit:,} 个：gradviz 最多绘制 {limit:,} 个（运算 {op}）</translation>
    </message>
</context>
<context>
    <name>checks</name>
    <message>
        <source>gradviz&apos;s graph is computed in float32, whose numbers carry about 7 significant digits, so its gradients differ from these float64 ones in the 7th or 8th digit; a central difference in float32 would be far worse (its error is eps² plus rounding/eps).</source>
        <translation>gradviz 的计算图用 float32 计算，数值大约有 7 位有效数字，所以它的梯度与这里 float64 的梯度在第 7 或第 8 位上有差别；若用 float32 做中心差分，误差会大得多（误差为 eps² 加上 舍入误差/eps）。</translation>
    </message>
    <message>
        <source>it was cut from the graph by .detach()</source>
        <translation>它被 .detach() 从计算图中切断了</translation>
    </message>
    <message>
        <source>it was computed inside torch.no_grad()</source>
        <translation>它是在 torch.no_grad() 里计算的</translation>
    </message>
    <message>
        <source>it was computed inside torch.inference_mode()</source>
        <translation>它是在 torch.inference_mode() 里计算的</translation>
    </message>
    <message>
        <source>none of the tensors it was computed from requires grad</source>
        <translation>计算它所用的张量都不需要梯度</translation>
    </message>
    <message>
        <source>it was created without requires_grad=True</source>
        <translation>它创建时没有设置 requires_grad=True</translation>
    </message>
    <message>
        <source>the gradient check needs the root to be a named tensor</source>
        <translation>梯度检查需要根节点是一个有名字的张量</translation>
    </message>
    <message>
        <source>torch.autograd.gradcheck skipped: {total:,} leaf elements (it runs up to {limit})</source>
        <translation>跳过了 torch.autograd.gradcheck：叶子节点共有 {total:,} 个元素（它最多只检查 {limit} 个）</translation>
    </message>
    <message>
        <source>torch.autograd.gradcheck failed: {error}</source>
        <translation>torch.autograd.gradcheck 未通过：{error}</translation>
    </message>
    <message>
        <source>torch.autograd.gradcheck passed</source>
        <translation>torch.autograd.gradcheck 通过</translation>
    </message>
    <message>
        <source>tensor of shape {shape}</source>
        <translation>形状为 {shape} 的张量</translation>
    </message>
    <message>
        <source>the value of {name}</source>
        <translation>{name} 的值</translation>
    </message>
    <message>
        <source>The program never assigns &apos;{name}&apos;.</source>
        <translation>程序从未给“{name}”赋值。</translation>
    </message>
    <message>
        <source>{name} is a {type}, not a tensor.</source>
        <translation>{name} 是 {type}，不是张量。</translation>
    </message>
    <message>
        <source>{name}.grad is not None: it holds the gradient accumulated by the backward calls.</source>
        <translation>{name}.grad 不是 None：它保存着几次 backward 调用累积的梯度。</translation>
    </message>
    <message>
        <source>{name} is not a leaf: on line {line} the tensor made with requires_grad=True is the one inside the expression, and {name} is what {op} computed from it. Its .grad would go to that unnamed {made}, which the program cannot reach. Make {name} itself the leaf: compute the value first, then ask for gradients, e.g. {fix}</source>
        <translation>{name} 不是叶子节点：在第 {line} 行，设置了 requires_grad=True 的是表达式里面的那个张量，而 {name} 是 {op} 用它算出来的结果。梯度会存到那个没有名字的{made}的 .grad 中，程序拿不到它。请让 {name} 本身成为叶子节点：先算出数值，再要求梯度，例如 {fix}</translation>
    </message>
    <message>
        <source>{name} is not a leaf: it was computed by {op} (line {line}). PyTorch stores .grad only for leaf tensors. Call {name}.retain_grad() before backward to keep it, or read it from gradviz&apos;s graph: the gradient arriving at that node is the same number.</source>
        <translation>{name} 不是叶子节点：它是由 {op} 计算得到的（第 {line} 行）。PyTorch 只为叶子节点保存 .grad。可以在 backward 之前调用 {name}.retain_grad() 来保留它，或者直接在 gradviz 的计算图中读取：到达那个节点的梯度就是同一个数。</translation>
    </message>
    <message>
        <source>{name} was computed inside torch.no_grad() (line {line}), so autograd recorded nothing for it and it has no gradient. Compute it outside the block.</source>
        <translation>{name} 是在 torch.no_grad() 里计算的（第 {line} 行），所以 autograd 没有为它记录任何东西，它也就没有梯度。请在这个块之外计算它。</translation>
    </message>
    <message>
        <source>{name} was cut from the graph by .detach() (line {line}): gradients do not flow through it.</source>
        <translation>{name} 被 .detach() 从计算图中切断了（第 {line} 行）：梯度不会流过它。</translation>
    </message>
    <message>
        <source>{name} was created without requires_grad=True (line {line}), so autograd treats it as a constant. Create it with requires_grad=True, or call .requires_grad_() on it.</source>
        <translation>{name} 创建时没有设置 requires_grad=True（第 {line} 行），所以 autograd 把它当作常量。请在创建时设置 requires_grad=True，或对它调用 .requires_grad_()。</translation>
    </message>
    <message>
        <source>The program never calls backward, so no .grad is filled in. Call loss.backward() (gradviz ran it only to draw the graph).</source>
        <translation>程序从未调用 backward，所以 .grad 没有被填入。请调用 loss.backward()（gradviz 运行它只是为了画出计算图）。</translation>
    </message>
    <message>
        <source>{name} requires grad, but the tensor backward started from does not depend on it: {name} is not on the path to the root.</source>
        <translation>{name} 需要梯度，但反向传播的起点张量并不依赖它：{name} 不在通往根节点的路径上。</translation>
    </message>
    <message>
        <source>Backward ran only through torch.autograd.grad, which returns the gradients instead of storing them in {name}.grad.</source>
        <translation>反向传播只是通过 torch.autograd.grad 运行的，它直接返回梯度，而不是把梯度存到 {name}.grad 中。</translation>
    </message>
</context>
<context>
    <name>cli</name>
    <message>
        <source>train a toy network headless (gradviz train --help lists the options)</source>
        <translation>在无界面模式下训练一个小网络（gradviz train --help 列出全部选项）</translation>
    </message>
    <message>
        <source>SOURCE is one of:
  lesson:NAME          a built-in lesson (see `gradviz lessons`)
  PROGRAM.txt|.py      a program in gradviz&apos;s expression language
  LESSON.gradviz       a lesson file (its program; nothing beyond the language runs)
  FILE.gradviz-rec     a recording saved by gradviz.record() (nothing runs)
  path.py:ClassName    an nn.Module class (runs that file&apos;s code), with --init and --input
                       (Python argument lists, with the file&apos;s own names in scope) and --root
With no subcommand, gradviz opens the app (on SOURCE if given, else the logistic lesson).
</source>
        <translation>SOURCE 可以是：
  lesson:NAME          一节内置课程（见 `gradviz lessons`）
  PROGRAM.txt|.py      用 gradviz 表达式语言写的程序
  LESSON.gradviz       一个课程文件（运行其中的程序；不会运行语言之外的任何代码）
  FILE.gradviz-rec     gradviz.record() 保存的录制文件（不运行任何代码）
  path.py:ClassName    一个 nn.Module 类（会运行该文件的代码），配合 --init 和 --input
                       （Python 参数列表，可使用该文件中的名字）以及 --root
不带子命令时，gradviz 打开应用程序（给出 SOURCE 时打开它，否则打开 logistic 课程）。
</translation>
    </message>
    <message>
        <source>See PyTorch&apos;s autograd graph and step through backward.</source>
        <translation>查看 PyTorch 自动求导的计算图，并逐步执行反向传播。</translation>
    </message>
    <message>
        <source>show gradviz&apos;s version and exit</source>
        <translation>显示 gradviz 的版本并退出</translation>
    </message>
    <message>
        <source>capture SOURCE and write .json, .dot, .svg or .png</source>
        <translation>记录 SOURCE 的计算图并写出 .json、.dot、.svg 或 .png 文件</translation>
    </message>
    <message>
        <source>lesson:NAME, a program file, or path.py:ClassName</source>
        <translation>lesson:NAME、程序文件，或 path.py:ClassName</translation>
    </message>
    <message>
        <source>the program itself, instead of SOURCE</source>
        <translation>直接给出程序代码，代替 SOURCE</translation>
    </message>
    <message>
        <source>output file; its suffix picks the format</source>
        <translation>输出文件；由扩展名决定格式</translation>
    </message>
    <message>
        <source>the constructor&apos;s arguments for path.py:ClassName, as Python with the file&apos;s names in scope, e.g. &apos;50, 3&apos; or &apos;GPTConfig(n_layer=2), dropout=0.1&apos;</source>
        <translation>path.py:ClassName 构造函数的参数，写成 Python 代码，可使用该文件中的名字，例如 &apos;50, 3&apos; 或 &apos;GPTConfig(n_layer=2), dropout=0.1&apos;</translation>
    </message>
    <message>
        <source>the forward&apos;s arguments for path.py:ClassName, as Python with the file&apos;s names in scope, e.g. &apos;torch.rand(1, 50)&apos; or &apos;torch.randint(0, 9, (1, 8)), targets=...&apos;</source>
        <translation>path.py:ClassName 的 forward 参数，写成 Python 代码，可使用该文件中的名字，例如 &apos;torch.rand(1, 50)&apos; 或 &apos;torch.randint(0, 9, (1, 8)), targets=...&apos;</translation>
    </message>
    <message>
        <source>what to draw as the graph&apos;s root: a variable, or a path into the model&apos;s output such as out[0], out[&apos;logits&apos;], out.loss (default: loss, else the last result; a scalar among a model&apos;s outputs)</source>
        <translation>作为计算图根节点的张量：一个变量，或模型输出中的路径，例如 out[0]、out[&apos;logits&apos;]、out.loss（默认：loss，否则为最后一个结果；模型有多个输出时取其中的标量）</translation>
    </message>
    <message>
        <source>PNG scale (default 1)</source>
        <translation>PNG 缩放比例（默认 1）</translation>
    </message>
    <message>
        <source>layout program (default: graphviz-pure, or $GRADVIZ_DOT)</source>
        <translation>布局程序（默认：graphviz-pure，或 $GRADVIZ_DOT）</translation>
    </message>
    <message>
        <source>list the built-in lessons</source>
        <translation>列出内置课程</translation>
    </message>
    <message>
        <source>give a SOURCE (lesson:NAME, a program file, path.py:ClassName) or -e CODE</source>
        <translation>请给出 SOURCE（lesson:NAME、程序文件、path.py:ClassName）或 -e 代码</translation>
    </message>
    <message>
        <source>no file {path}</source>
        <translation>没有文件 {path}</translation>
    </message>
    <message>
        <source>no file {path} (for a lesson write lesson:NAME)</source>
        <translation>没有文件 {path}（要打开课程请写 lesson:NAME）</translation>
    </message>
    <message>
        <source>cannot read {path}: {error}</source>
        <translation>无法读取 {path}：{error}</translation>
    </message>
    <message>
        <source>output must end in .json, .dot, .svg or .png, not &apos;{suffix}&apos;</source>
        <translation>输出文件的扩展名必须是 .json、.dot、.svg 或 .png，而不是“{suffix}”</translation>
    </message>
    <message>
        <source>cannot open the recording {path}: {error}</source>
        <translation>无法打开录制文件 {path}：{error}</translation>
    </message>
    <message>
        <source>{source}, {error}</source>
        <translation>{source}，{error}</translation>
    </message>
    <message>
        <source>cannot write {path}: {error}</source>
        <translation>无法写入 {path}：{error}</translation>
    </message>
    <message>
        <source>wrote {path} ({nodes} nodes, {edges} edges, {passes} backward passes)</source>
        <translation>已写出 {path}（{nodes} 个节点，{edges} 条边，{passes} 次反向传播）</translation>
    </message>
    <message>
        <source>gradviz: error: {message}</source>
        <translation>gradviz：错误：{message}</translation>
    </message>
</context>
<context>
    <name>console</name>
    <message>
        <source>… output truncated</source>
        <translation>… 输出已截断</translation>
    </message>
</context>
<context>
    <name>explain</name>
    <message>
        <source>matches autograd</source>
        <extracomment>Kinds of line: code (a program line), text, input (an op&apos;s input, indented), incoming (the gradient arriving), rule (in words), shapes, symbolic and numeric (one term each).</extracomment>
        <translation>与 autograd 一致</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>无</translation>
    </message>
    <message>
        <source>autograd got {value}</source>
        <translation>autograd 得到的是 {value}</translation>
    </message>
    <message>
        <source>not checked</source>
        <translation>未核对</translation>
    </message>
    <message>
        <source>not recorded</source>
        <translation>未记录</translation>
    </message>
    <message>
        <source>Step {n} of {count}</source>
        <translation>第 {n} 步，共 {count} 步</translation>
    </message>
    <message>
        <source>Step {n}</source>
        <translation>第 {n} 步</translation>
    </message>
    <message>
        <source>{name} is a constant input (it needs no gradient): {name} = {value}</source>
        <translation>{name} 是常量输入（它不需要梯度）：{name} = {value}</translation>
    </message>
    <message>
        <source>{name} is a leaf tensor with requires_grad=True: {name} = {value}</source>
        <translation>{name} 是 requires_grad=True 的叶子节点：{name} = {value}</translation>
    </message>
    <message>
        <source>Its AccumulateGrad node will store the gradient in .grad.</source>
        <translation>它的 AccumulateGrad 节点会把梯度存到 .grad 中。</translation>
    </message>
    <message>
        <source>{name} is output {k} of {op}: one autograd node stands for all the op&apos;s outputs. {name} = {value}, shape {shape}</source>
        <translation>{name} 是 {op} 的第 {k} 个输出：一个 autograd 节点代表这个运算的所有输出。{name} = {value}，形状 {shape}</translation>
    </message>
    <message>
        <source>The op runs (autograd records it as {op}). Inputs:</source>
        <translation>运算执行（autograd 把它记录为 {op}）。输入：</translation>
    </message>
    <message>
        <source>not visible (made inside {where})</source>
        <translation>不可见（在 {where} 内部生成）</translation>
    </message>
    <message>
        <source>Output: {name} = {value}, shape {shape}</source>
        <translation>输出：{name} = {value}，形状 {shape}</translation>
    </message>
    <message>
        <source>{step} · forward · {name}</source>
        <translation>{step} · 前向传播 · {name}</translation>
    </message>
    <message>
        <source>{step} · backward #{n} ({call}) · {op}</source>
        <translation>{step} · 第 {n} 次反向传播（{call}）· {op}</translation>
    </message>
    <message>
        <source>Incoming gradient {grad} = {value}</source>
        <translation>传入的梯度 {grad} = {value}</translation>
    </message>
    <message>
        <source>Shapes: {shapes}</source>
        <translation>形状：{shapes}</translation>
    </message>
</context>
<context>
    <name>export</name>
    <message>
        <source>Cannot export to {name!r}: the file name must end in one of {suffixes}.</source>
        <extracomment>Version of the json interchange format written by :func:`to_json`. 2: nodes of kind &quot;output&quot; (output k ≥ 1 of a multi-output op) and their ``output_nr``; module buffers are constants with op &quot;Buffer&quot;. PNG pixels per inch at ``scale=1``: one point per pixel at 72 would look small on today&apos;s screens, 96 matches a desktop&apos;s logical pixel.</extracomment>
        <translation>无法导出到 {name!r}：文件名必须以 {suffixes} 之一结尾。</translation>
    </message>
    <message>
        <source>PNG export needs resvg (pip install resvg-py)</source>
        <translation>导出 PNG 需要 resvg（pip install resvg-py）</translation>
    </message>
    <message>
        <source>could not draw the picture: {error}</source>
        <translation>无法绘制图片：{error}</translation>
    </message>
</context>
<context>
    <name>files</name>
    <message>
        <source>it is not a file of text or data (a device, a pipe or a folder)</source>
        <translation>它不是文本或数据文件（而是设备、管道或文件夹）</translation>
    </message>
    <message>
        <source>it holds more than {megabytes} MB, more than a file of this kind ever needs</source>
        <translation>它超过 {megabytes} MB，这类文件从来用不了这么大</translation>
    </message>
</context>
<context>
    <name>formulas</name>
    <message>
        <source>autograd multiplies the incoming gradient by this op&apos;s Jacobian (a vector-Jacobian product); gradviz has no written-out formula for {op}, so it shows the numbers autograd produced.</source>
        <extracomment>Autograd node types gradviz writes a formula for.</extracomment>
        <translation>autograd 把传入的梯度乘以这个运算的雅可比矩阵（向量-雅可比积）；gradviz 没有为 {op} 写出公式，所以显示 autograd 算出的数值。</translation>
    </message>
    <message>
        <source>{name} is a constant: it needs no gradient, so backward never visits it.</source>
        <translation>{name} 是常量：它不需要梯度，所以反向传播不会经过它。</translation>
    </message>
    <message>
        <source>This tensor is a constant: it needs no gradient, so backward never visits it.</source>
        <translation>这个张量是常量：它不需要梯度，所以反向传播不会经过它。</translation>
    </message>
    <message>
        <source>This pass ({call}) does not run {op}: no gradient it needs flows through it.</source>
        <translation>这次反向传播（{call}）不经过 {op}：它需要的梯度都不流过这里。</translation>
    </message>
    <message>
        <source>But {missing}, so gradviz shows the numbers autograd produced instead of recomputing them.</source>
        <translation>但是{missing}，所以 gradviz 显示 autograd 算出的数值，而不重新计算。</translation>
    </message>
    <message>
        <source>gradviz could not apply this rule here ({error}), so it shows the numbers autograd produced.</source>
        <translation>gradviz 无法在这里应用这条规则（{error}），所以显示 autograd 算出的数值。</translation>
    </message>
    <message>
        <source>{op} takes {inputs} and gives {out} {shape}.</source>
        <translation>{op} 的输入是 {inputs}，输出是 {out} {shape}。</translation>
    </message>
    <message>
        <source>no gradient-carrying inputs</source>
        <translation>没有带梯度的输入</translation>
    </message>
    <message>
        <source>{name} {shape} stores its gradient in .grad.</source>
        <translation>{name} {shape} 把它的梯度存到 .grad 中。</translation>
    </message>
    <message>
        <source>This leaf</source>
        <translation>这个叶子节点</translation>
    </message>
    <message>
        <source>{op} has {n} outputs: it receives one gradient per output (output 0&apos;s here, the others at its output nodes) and sends each input one gradient made from all of them.</source>
        <translation>{op} 有 {n} 个输出：每个输出都传回一个梯度（第 0 个输出的梯度在这里，其他的在各自的输出节点上），它再用所有这些梯度为每个输入算出一个梯度。</translation>
    </message>
    <message>
        <source>AccumulateGrad adds the incoming gradient to the leaf&apos;s .grad instead of overwriting it: .grad after = .grad before + incoming. That is why gradients add up over backward calls until .grad is zeroed.</source>
        <translation>AccumulateGrad 把传入的梯度加到叶子节点的 .grad 上，而不是覆盖它：之后的 .grad = 之前的 .grad + 传入的梯度。这就是为什么在 .grad 清零之前，多次 backward 调用的梯度会累积起来。</translation>
    </message>
    <message>
        <source>{name}.grad after the pass</source>
        <translation>这次反向传播之后的 {name}.grad</translation>
    </message>
    <message>
        <source>{name}.grad (after) = {name}.grad (before) + {grad}</source>
        <translation>{name}.grad（之后）= {name}.grad（之前）+ {grad}</translation>
    </message>
    <message>
        <source>No earlier pass gave {name} a gradient, so {name}.grad was empty (None): the incoming gradient becomes .grad.</source>
        <translation>之前的反向传播没有给 {name} 梯度，所以 {name}.grad 是空的（None）：传入的梯度直接成为 .grad。</translation>
    </message>
    <message>
        <source>{name}.grad was set back to None between the passes (for example by optimizer.zero_grad()): the incoming gradient becomes .grad.</source>
        <translation>{name}.grad 在两次反向传播之间被重置为 None（例如通过 optimizer.zero_grad()）：传入的梯度直接成为 .grad。</translation>
    </message>
    <message>
        <source>{name}.grad before this pass is what the previous pass left in it.</source>
        <translation>这次反向传播之前的 {name}.grad 就是上一次留下的值。</translation>
    </message>
    <message>
        <source>{name}.grad was reset between the passes (by {name}.grad.zero_(), or set to None): it was {was} at {index} after the previous pass.</source>
        <translation>{name}.grad 在两次反向传播之间被清零了（通过 {name}.grad.zero_()，或设为 None）：上一次反向传播之后，它在 {index} 处是 {was}。</translation>
    </message>
    <message>
        <source>The program changed {name}.grad between the passes: it was {was} at {index} after the previous pass.</source>
        <translation>程序在两次反向传播之间修改了 {name}.grad：上一次反向传播之后，它在 {index} 处是 {was}。</translation>
    </message>
    <message>
        <source>   (elementwise over {shape})</source>
        <translation>   （逐元素，形状 {shape}）</translation>
    </message>
    <message>
        <source>, summed over the broadcast dimensions {dims} back to {shape}</source>
        <translation>，再沿广播的维度 {dims} 求和，回到形状 {shape}</translation>
    </message>
    <message>
        <source>Addition passes the incoming gradient on unchanged: the local derivative of x + y is 1 for each input (alpha for y in torch.add(x, y, alpha=…)). An input that was broadcast gets the incoming gradient summed over the broadcast dimensions.</source>
        <translation>加法把传入的梯度原样传下去：x + y 对每个输入的局部导数都是 1（在 torch.add(x, y, alpha=…) 中 y 的是 alpha）。被广播过的输入，得到的是传入的梯度沿广播维度求和的结果。</translation>
    </message>
    <message>
        <source>Subtraction x − y passes the incoming gradient to x unchanged and to y with its sign flipped: the local derivatives are 1 and −1 (−alpha with alpha=…).</source>
        <translation>减法 x − y 把传入的梯度原样传给 x，变号后传给 y：局部导数分别是 1 和 −1（设置了 alpha=… 时是 −alpha）。</translation>
    </message>
    <message>
        <source>rsub computes y − x (it is what 1 − x runs): x&apos;s local derivative is −1, so x gets the incoming gradient with its sign flipped.</source>
        <translation>rsub 计算 y − x（1 − x 运行的就是它）：x 的局部导数是 −1，所以 x 得到变号后的传入梯度。</translation>
    </message>
    <message>
        <source>For a product x·y, the local derivative with respect to x is y and with respect to y is x: each input&apos;s gradient is the incoming gradient times the other input.</source>
        <translation>对于乘积 x·y，对 x 的局部导数是 y，对 y 的局部导数是 x：每个输入的梯度是传入的梯度乘以另一个输入。</translation>
    </message>
    <message>
        <source>For x / y, the local derivative with respect to x is 1/y and with respect to y is −x/y²: the incoming gradient is divided by y for x, and multiplied by −x/y² for y.</source>
        <translation>对于 x / y，对 x 的局部导数是 1/y，对 y 的局部导数是 −x/y²：传给 x 的是传入的梯度除以 y，传给 y 的是传入的梯度乘以 −x/y²。</translation>
    </message>
    <message>
        <source>Negation −x has local derivative −1: the incoming gradient comes back with its sign flipped.</source>
        <translation>取负 −x 的局部导数是 −1：传入的梯度变号后传回。</translation>
    </message>
    <message>
        <source>The derivative of exp(x) is exp(x) itself, the op&apos;s output, which autograd saved: the incoming gradient is multiplied by it.</source>
        <translation>exp(x) 的导数就是 exp(x) 本身，也就是 autograd 保存的这个运算的输出：传入的梯度乘以它。</translation>
    </message>
    <message>
        <source>The derivative of log(x) is 1/x: the incoming gradient is divided by the saved input x.</source>
        <translation>log(x) 的导数是 1/x：传入的梯度除以保存的输入 x。</translation>
    </message>
    <message>
        <source>The sigmoid&apos;s derivative is σ(z)(1 − σ(z)), computed from its saved output σ(z); the incoming gradient is multiplied by it.</source>
        <translation>sigmoid 的导数是 σ(z)(1 − σ(z))，由保存的输出 σ(z) 算出；传入的梯度乘以它。</translation>
    </message>
    <message>
        <source>The derivative of tanh(x) is 1 − tanh(x)², computed from its saved output; the incoming gradient is multiplied by it.</source>
        <translation>tanh(x) 的导数是 1 − tanh(x)²，由保存的输出算出；传入的梯度乘以它。</translation>
    </message>
    <message>
        <source>ReLU lets the gradient through where its output was positive (local derivative 1) and blocks it where the output was 0 (local derivative 0).</source>
        <translation>ReLU 在输出为正的地方让梯度通过（局部导数为 1），在输出为 0 的地方挡住梯度（局部导数为 0）。</translation>
    </message>
    <message>
        <source>The derivative of |x| is the sign of x (+1, −1, or 0 at 0): the incoming gradient is multiplied by it.</source>
        <translation>|x| 的导数是 x 的符号（+1、−1，在 0 处为 0）：传入的梯度乘以它。</translation>
    </message>
    <message>
        <source>The derivative of 1/x is −1/x²: the incoming gradient is multiplied by −(1/x)², from the saved output 1/x.</source>
        <translation>1/x 的导数是 −1/x²：传入的梯度乘以 −(1/x)²，由保存的输出 1/x 算出。</translation>
    </message>
    <message>
        <source>The derivative of √x is 1/(2√x): the incoming gradient is divided by twice the saved output √x.</source>
        <translation>√x 的导数是 1/(2√x)：传入的梯度除以保存的输出 √x 的两倍。</translation>
    </message>
    <message>
        <source>relu&apos;s output</source>
        <translation>relu 的输出</translation>
    </message>
    <message>
        <source>elementwise over {shape}, </source>
        <translation>逐元素，形状 {shape}，</translation>
    </message>
    <message>
        <source> / N   ({over}N = {n}, reduction &apos;mean&apos;)</source>
        <translation> / N   （{over}N = {n}，reduction &apos;mean&apos;）</translation>
    </message>
    <message>
        <source>   ({over}reduction &apos;{reduction}&apos;)</source>
        <translation>   （{over}reduction &apos;{reduction}&apos;）</translation>
    </message>
    <message>
        <source>Mean squared error averages (x − y)² over N elements; its derivative with respect to x is 2·(x − y)/N (y gets the negative). The incoming gradient is multiplied by it.</source>
        <translation>均方误差对 N 个元素的 (x − y)² 求平均；它对 x 的导数是 2·(x − y)/N（y 的是它的相反数）。传入的梯度乘以它。</translation>
    </message>
    <message>
        <source>Binary cross-entropy −[y·log a + (1 − y)·log(1 − a)] has derivative (a − y)/(a·(1 − a)) with respect to the prediction a; with reduction &apos;mean&apos; it is also divided by N.</source>
        <translation>二元交叉熵 −[y·log a + (1 − y)·log(1 − a)] 对预测值 a 的导数是 (a − y)/(a·(1 − a))；reduction 为 &apos;mean&apos; 时还要除以 N。</translation>
    </message>
    <message>
        <source>Binary cross-entropy on logits z applies the sigmoid inside the loss; the two derivatives combine into the simple σ(z) − y (divided by N for the mean).</source>
        <translation>基于 logits z 的二元交叉熵在损失内部做 sigmoid；两个导数合起来就是简单的 σ(z) − y（求平均时再除以 N）。</translation>
    </message>
    <message>
        <source>log_softmax&apos;s gradient is the incoming gradient minus softmax times the incoming gradient&apos;s sum along the softmax dimension: g − softmax·Σg.</source>
        <translation>log_softmax 的梯度是传入的梯度减去 softmax 乘以传入梯度沿 softmax 维度的和：g − softmax·Σg。</translation>
    </message>
    <message>
        <source>softmax&apos;s gradient is softmax · (g − Σ g·softmax) along its dimension: every output depends on every input of its row, through the shared normaliser.</source>
        <translation>softmax 的梯度是沿其维度的 softmax · (g − Σ g·softmax)：通过共同的归一化项，每个输出都依赖于同一行的每个输入。</translation>
    </message>
    <message>
        <source>The negative log-likelihood picks −log p of each sample&apos;s target class, so its gradient is −1/N at the target class (N samples, for the mean) and 0 at every other class.</source>
        <translation>负对数似然取出每个样本目标类别的 −log p，所以它的梯度在目标类别处是 −1/N（N 个样本，求平均时），在其他类别处都是 0。</translation>
    </message>
    <message>
        <source>log_softmax&apos;s output</source>
        <translation>log_softmax 的输出</translation>
    </message>
    <message>
        <source>(Σ along dimension {dim} of {shape})</source>
        <translation>（Σ 沿形状 {shape} 的第 {dim} 维）</translation>
    </message>
    <message>
        <source>softmax&apos;s output</source>
        <translation>softmax 的输出</translation>
    </message>
    <message>
        <source>(s = softmax({x}), Σ along dimension {dim} of {shape})</source>
        <translation>（s = softmax({x})，Σ 沿形状 {shape} 的第 {dim} 维）</translation>
    </message>
    <message>
        <source>the target was not saved</source>
        <translation>目标值没有被保存</translation>
    </message>
    <message>
        <source>gradviz writes nll_loss out only for inputs of shape (C,) or (N, C)</source>
        <translation>gradviz 只为形状为 (C,) 或 (N, C) 的输入写出 nll_loss 的公式</translation>
    </message>
    <message>
        <source>the total weight N was not saved</source>
        <translation>总权重 N 没有被保存</translation>
    </message>
    <message>
        <source>0 (target {target} is ignore_index)</source>
        <translation>0（目标 {target} 是 ignore_index）</translation>
    </message>
    <message>
        <source>0 (class {cls} is not the target {target})</source>
        <translation>0（类别 {cls} 不是目标 {target}）</translation>
    </message>
    <message>
        <source>, 0 at every other class</source>
        <translation>，其他类别处为 0</translation>
    </message>
    <message>
        <source>For out = A·B, each input&apos;s gradient is a matrix product: ∂L/∂A = ∂L/∂out·Bᵀ and ∂L/∂B = Aᵀ·∂L/∂out. Each element is a row of one matrix dotted with a column of the other.</source>
        <translation>对于 out = A·B，每个输入的梯度都是一个矩阵乘积：∂L/∂A = ∂L/∂out·Bᵀ，∂L/∂B = Aᵀ·∂L/∂out。每个元素是一个矩阵的一行与另一个矩阵的一列的点积。</translation>
    </message>
    <message>
        <source>addmm is nn.Linear&apos;s out = bias + mat1·mat2 (mat2 = Wᵀ). The bias gets the incoming gradient summed over the batch; mat1 gets ∂L/∂out·mat2ᵀ; mat2 gets mat1ᵀ·∂L/∂out.</source>
        <translation>addmm 就是 nn.Linear 的 out = bias + mat1·mat2（mat2 = Wᵀ）。偏置得到传入的梯度沿批次求和的结果；mat1 得到 ∂L/∂out·mat2ᵀ；mat2 得到 mat1ᵀ·∂L/∂out。</translation>
    </message>
    <message>
        <source>bmm multiplies matrices batch by batch: ∂L/∂A = ∂L/∂out·Bᵀ and ∂L/∂B = Aᵀ·∂L/∂out for each batch.</source>
        <translation>bmm 逐批做矩阵乘法：对每一批，∂L/∂A = ∂L/∂out·Bᵀ，∂L/∂B = Aᵀ·∂L/∂out。</translation>
    </message>
    <message>
        <source>For out = A·v (matrix times vector): ∂L/∂A is the outer product ∂L/∂out·vᵀ, and ∂L/∂v = Aᵀ·∂L/∂out.</source>
        <translation>对于 out = A·v（矩阵乘向量）：∂L/∂A 是外积 ∂L/∂out·vᵀ，∂L/∂v = Aᵀ·∂L/∂out。</translation>
    </message>
    <message>
        <source>For the dot product out = Σ xᵢyᵢ, the derivative with respect to xᵢ is yᵢ and with respect to yᵢ is xᵢ: each input&apos;s gradient is the incoming number times the other vector.</source>
        <translation>对于点积 out = Σ xᵢyᵢ，对 xᵢ 的导数是 yᵢ，对 yᵢ 的导数是 xᵢ：每个输入的梯度是传入的数乘以另一个向量。</translation>
    </message>
    <message>
        <source>{grad} = {scale}Σ over the batch (rows) of {out}   ({shapes})</source>
        <translation>{grad} = {scale}Σ（沿批次，即各行）{out}   （{shapes}）</translation>
    </message>
    <message>
        <source>grad_out {shape} summed over the rows → {bias}</source>
        <translation>grad_out {shape} 按行求和 → {bias}</translation>
    </message>
    <message>
        <source>(outer product: {shapes})</source>
        <translation>（外积：{shapes}）</translation>
    </message>
    <message>
        <source>grad_out scalar · {name} {shape} → {shape}</source>
        <translation>grad_out 标量 · {name} {shape} → {shape}</translation>
    </message>
    <message>
        <source>Several outputs of one op share one autograd node ({op}). The gradient of output {k} gathers here (summed over its uses) and is handed on unchanged: {op} receives it as its incoming gradient number {k}, beside the other outputs&apos; gradients, and runs once with all of them. Outputs nothing used send it no gradient (autograd counts them as zeros).</source>
        <translation>一个运算的几个输出共用一个 autograd 节点（{op}）。第 {k} 个输出的梯度在这里汇总（对它的各处使用求和），然后原样传下去：{op} 把它当作第 {k} 个传入的梯度，与其他输出的梯度一起，运行一次。没有被用到的输出不传来梯度（autograd 当作零）。</translation>
    </message>
    <message>
        <source>its op</source>
        <translation>它的运算</translation>
    </message>
    <message>
        <source>the gradient of {name}</source>
        <translation>{name} 的梯度</translation>
    </message>
    <message>
        <source>The power rule: the derivative of x^p is p·x^(p−1). The incoming gradient is multiplied by it, with x the saved input and p the saved exponent.</source>
        <translation>幂法则：x^p 的导数是 p·x^(p−1)。传入的梯度乘以它，其中 x 是保存的输入，p 是保存的指数。</translation>
    </message>
    <message>
        <source>For x^e with both tensors: the derivative with respect to x is e·x^(e−1) and with respect to e is x^e·ln(x); each multiplies the incoming gradient.</source>
        <translation>对于 x^e（两者都是张量）：对 x 的导数是 e·x^(e−1)，对 e 的导数是 x^e·ln(x)；各自与传入的梯度相乘。</translation>
    </message>
    <message>
        <source>For b^x with a number b: the derivative with respect to x is b^x·ln(b), from the saved output b^x; the incoming gradient is multiplied by it.</source>
        <translation>对于 b^x（b 是一个数）：对 x 的导数是 b^x·ln(b)，由保存的输出 b^x 算出；传入的梯度乘以它。</translation>
    </message>
    <message>
        <source>the exponent was not saved as a plain number</source>
        <translation>指数没有被保存为普通的数</translation>
    </message>
    <message>
        <source>the base was not saved as a plain number</source>
        <translation>底数没有被保存为普通的数</translation>
    </message>
    <message>
        <source>the output b^x was not saved</source>
        <translation>输出 b^x 没有被保存</translation>
    </message>
    <message>
        <source>the input&apos;s shape was not captured</source>
        <translation>输入的形状没有被记录</translation>
    </message>
    <message>
        <source>A view or reshape only rearranges the same numbers into another shape, so the gradient is the incoming gradient reshaped back to the input&apos;s shape.</source>
        <translation>view 或 reshape 只是把同样的数排成另一种形状，所以梯度就是传入的梯度重新变回输入的形状。</translation>
    </message>
    <message>
        <source>Transposing swaps rows and columns, so the gradient is the incoming gradient transposed back.</source>
        <translation>转置交换行和列，所以梯度就是传入的梯度再转置回来。</translation>
    </message>
    <message>
        <source>permute reorders dimensions, so the gradient is the incoming gradient with the order undone.</source>
        <translation>permute 重新排列维度，所以梯度就是传入的梯度把维度顺序还原。</translation>
    </message>
    <message>
        <source>reshaped {shape} → {input}</source>
        <translation>变形 {shape} → {input}</translation>
    </message>
    <message>
        <source>the permutation was not saved</source>
        <translation>维度的排列没有被保存</translation>
    </message>
    <message>
        <source>A sum adds its inputs with weight 1, so every element that was summed gets the same incoming gradient: the gradient is copied (expanded) back to the input&apos;s shape.</source>
        <translation>求和以权重 1 把输入加起来，所以每个参与求和的元素都得到同样的传入梯度：梯度被复制（扩展）回输入的形状。</translation>
    </message>
    <message>
        <source>A mean is a sum divided by N, the number of elements averaged: every element gets the incoming gradient divided by N.</source>
        <translation>平均值是和除以 N（参与平均的元素个数）：每个元素得到传入的梯度除以 N。</translation>
    </message>
    <message>
        <source>expand reuses one element in many places, so its gradient is the sum of the incoming gradients of all the places it was copied to.</source>
        <translation>expand 把一个元素用在很多地方，所以它的梯度是所有复制位置传入的梯度之和。</translation>
    </message>
    <message>
        <source>all elements</source>
        <translation>所有元素</translation>
    </message>
    <message>
        <source>dimensions {dims}</source>
        <translation>第 {dims} 维</translation>
    </message>
    <message>
        <source>dimension {dims}</source>
        <translation>第 {dims} 维</translation>
    </message>
    <message>
        <source>expanded back to {shape}</source>
        <translation>扩展回 {shape}</translation>
    </message>
    <message>
        <source> and divided by N = {n}</source>
        <translation>，再除以 N = {n}</translation>
    </message>
    <message>
        <source>   (reduced over {over})</source>
        <translation>   （对{over}做了归约）</translation>
    </message>
    <message>
        <source>summed back to {shape}</source>
        <translation>求和回到 {shape}</translation>
    </message>
    <message>
        <source>Picking part of a tensor passes each picked element&apos;s gradient back to where it came from; the elements not picked get 0.</source>
        <translation>取出张量的一部分时，每个被取出元素的梯度传回它原来的位置；没有被取出的元素得到 0。</translation>
    </message>
    <message>
        <source>Indexing with tensors picks elements; backward scatters the incoming gradient back to the picked positions (adding where a position was picked more than once) and puts 0 elsewhere.</source>
        <translation>用张量做索引会取出一些元素；反向传播把传入的梯度散布回被取出的位置（一个位置被取出多次时相加），其他位置为 0。</translation>
    </message>
    <message>
        <source>0 (not picked)</source>
        <translation>0（未被取出）</translation>
    </message>
    <message>
        <source>the sum of the {n} incoming numbers picked from here</source>
        <translation>从这里取出的 {n} 个传入数值之和</translation>
    </message>
    <message>
        <source>{grad} = 0 with {out} placed at {where}</source>
        <translation>{grad} = 0，并把 {out} 放在{where}</translation>
    </message>
    <message>
        <source>index {index} of dimension {dim}</source>
        <translation>第 {dim} 维的下标 {index} 处</translation>
    </message>
    <message>
        <source>the slice {slice} of dimension {dim}</source>
        <translation>第 {dim} 维的切片 {slice} 处</translation>
    </message>
    <message>
        <source>the index tensors were not captured</source>
        <translation>索引张量没有被记录</translation>
    </message>
    <message>
        <source>an index tensor</source>
        <translation>索引张量</translation>
    </message>
    <message>
        <source>{index}</source>
        <comment>where an index puts the gradient</comment>
        <translation>{index} 处</translation>
    </message>
    <message>
        <source>at {index}: </source>
        <translation>在 {index} 处：</translation>
    </message>
    <message>
        <source>the incoming gradient {name}</source>
        <translation>传入的梯度 {name}</translation>
    </message>
    <message>
        <source>the saved tensor {name}</source>
        <translation>保存的张量 {name}</translation>
    </message>
    <message>
        <source>the forward value of {name}</source>
        <translation>{name} 的前向传播值</translation>
    </message>
    <message>
        <source>{name} needs no grad (a plain number, or a tensor without requires_grad), so no gradient is computed for it.</source>
        <translation>{name} 不需要梯度（它是普通的数，或没有 requires_grad 的张量），所以不为它计算梯度。</translation>
    </message>
    <message>
        <source>{name} needs no grad, so no gradient is computed for it.</source>
        <translation>{name} 不需要梯度，所以不为它计算梯度。</translation>
    </message>
    <message>
        <source>{grad} is not needed in this pass ({call} asks only for other gradients), so autograd skips it.</source>
        <translation>这次反向传播不需要 {grad}（{call} 只要求其他梯度），所以 autograd 跳过了它。</translation>
    </message>
    <message>
        <source>{grad}: not computed</source>
        <translation>{grad}：未计算</translation>
    </message>
    <message>
        <source>gradviz has no formula for input {slot}</source>
        <translation>gradviz 没有第 {slot} 个输入的公式</translation>
    </message>
    <message>
        <source>For {grad}, {missing}, so gradviz shows the numbers autograd produced instead of recomputing them.</source>
        <translation>对于 {grad}，{missing}，所以 gradviz 显示 autograd 算出的数值，而不重新计算。</translation>
    </message>
    <message>
        <source>{name} is used as {n} inputs of this op (slots {slots}): it receives one gradient per use, and autograd adds them up.</source>
        <translation>{name} 被用作这个运算的 {n} 个输入（第 {slots} 个输入）：每用一次就得到一个梯度，autograd 把它们加起来。</translation>
    </message>
    <message>
        <source>{value} (from autograd)</source>
        <translation>{value}（来自 autograd）</translation>
    </message>
    <message>
        <source>{grad} = {out} · J   (J: the Jacobian of {op})</source>
        <translation>{grad} = {out} · J   （J：{op} 的雅可比矩阵）</translation>
    </message>
    <message>
        <source>{what} was not captured</source>
        <translation>{what}没有被记录</translation>
    </message>
    <message>
        <source>{what} {shape} was kept only as a summary (it is too large)</source>
        <translation>{what} {shape} 只保存了摘要（它太大了）</translation>
    </message>
</context>
<context>
    <name>graph</name>
    <message>
        <source>buffer</source>
        <extracomment>Graphviz-pure ships metrics for Arimo; it is metric-compatible with Arial, Helvetica and Liberation Sans, which the Qt side falls back to, so the boxes Graphviz sizes fit the text Qt paints. Fill colours by kind. Mid-tone fills with black text: pale tints wash out on a projector and dark fills make black text unreadable. A value is printed in its box only while its text is at most this long.</extracomment>
        <translation>缓冲区</translation>
    </message>
    <message>
        <source>constant</source>
        <translation>常量</translation>
    </message>
    <message numerus="yes">
        <source>%n node(s) inside</source>
        <extracomment>A DOT ID that needs no quotes (and is not a keyword).</extracomment>
        <translation>
            <numerusform>内含 %n 个节点</numerusform>
        </translation>
    </message>
    <message>
        <source>collapsed module</source>
        <extracomment>A parameter is held above at most this many of its module&apos;s inputs (see _rank_hints).</extracomment>
        <translation>折叠的模块</translation>
    </message>
    <message>
        <source>constant (no grad)</source>
        <translation>常量（不需要梯度）</translation>
    </message>
    <message>
        <source>leaf / parameter</source>
        <translation>叶子节点 / 参数</translation>
    </message>
    <message>
        <source>op (autograd node)</source>
        <translation>运算（autograd 节点）</translation>
    </message>
    <message>
        <source>root (loss)</source>
        <translation>根节点（损失）</translation>
    </message>
    <message>
        <source>legend</source>
        <translation>图例</translation>
    </message>
    <message>
        <source>BCE loss</source>
        <extracomment>The label styles: PyTorch&apos;s class names, or the symbols of a first lesson. An autograd node type, as its operation is written on paper. Ops missing here get their class name without &quot;Backward&quot; (ClampBackward1 → &quot;clamp&quot;). The few written in words are marked for the catalogue and translated in :func:`symbol`.</extracomment>
        <translation>BCE 损失</translation>
    </message>
    <message>
        <source>BCE loss (logits)</source>
        <translation>BCE 损失（logits）</translation>
    </message>
    <message>
        <source>MSE loss</source>
        <translation>MSE 损失</translation>
    </message>
    <message>
        <source>L1 loss</source>
        <translation>L1 损失</translation>
    </message>
    <message>
        <source>NLL loss</source>
        <translation>NLL 损失</translation>
    </message>
    <message>
        <source>copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>{n} nodes inside: {ops}</source>
        <extracomment>A collapsed module&apos;s Layout node id is this prefix plus its path (see ``build_dot``). Opening a module shows all it holds when that is at most this many boxes; more, and its sub-modules stay folded (a 20-layer Sequential opens as 20 layer boxes, not 100 nodes).</extracomment>
        <translation>内含 {n} 个节点：{ops}</translation>
    </message>
</context>
<context>
    <name>grouping</name>
    <message>
        <source>for loop, line {line} · {count} iterations</source>
        <extracomment>A loop&apos;s path segment: &quot;for@&quot; and its line. A loop that ran at least this many times opens folded, when its iterations hold at least LOOP_FOLD_NODES nodes each on average (a one-op body would not shrink): each iteration to a box when there are at most LOOP_ITERATION_BOXES of them, else the whole loop to one box (opened, it shows its iterations as boxes).</extracomment>
        <translation>for 循环，第 {line} 行 · 共 {count} 次迭代</translation>
    </message>
    <message>
        <source>iteration {n} of {count}</source>
        <translation>第 {n} 次迭代，共 {count} 次</translation>
    </message>
    <message>
        <source>the loop at line {line} ran {count} times: it is one box (double-click it to see its iterations)</source>
        <extracomment>Above this many loop and iteration groups, none of them is framed (see framed_paths).</extracomment>
        <translation>第 {line} 行的循环运行了 {count} 次：它被画成一个框（双击可以看到每次迭代）</translation>
    </message>
    <message>
        <source>each of the {count} iterations of the loop at line {line} is a box (double-click one to open it)</source>
        <translation>第 {line} 行循环的 {count} 次迭代各是一个框（双击一个框可以展开）</translation>
    </message>
    <message>
        <source>In this graph {parts}.</source>
        <translation>在这个计算图中，{parts}。</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>module</source>
        <translation>模块</translation>
    </message>
    <message>
        <source>{n:,} parameters</source>
        <translation>{n:,} 个参数</translation>
    </message>
</context>
<context>
    <name>guards</name>
    <message>
        <source>embedding_bag&apos;s offsets must never decrease and stay between 0 and the number of indices ({count}): torch reads the indices at them unchecked</source>
        <translation>embedding_bag 的 offsets 必须不递减，并且位于 0 到索引个数（{count}）之间：torch 会不加检查地按它们读取索引</translation>
    </message>
    <message>
        <source>dividing {smallest} by -1 rounding toward zero overflows {dtype} and crashes torch: divide floats, or use rounding_mode=&apos;floor&apos;</source>
        <translation>用 {smallest} 除以 -1 并向零取整会使 {dtype} 溢出并让 torch 崩溃：请用浮点数相除，或使用 rounding_mode=&apos;floor&apos;</translation>
    </message>
</context>
<context>
    <name>interpreter</name>
    <message>
        <source>the program nests too deeply (recursion limit)</source>
        <extracomment>The limit the user set, when the program is stopped a moment before it (a run process stops its program before the runner would kill it, so the message can name the line).</extracomment>
        <translation>程序嵌套太深（超过递归上限）</translation>
    </message>
    <message>
        <source>out of memory: the tensors or lists are too large</source>
        <translation>内存不足：张量或列表太大</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>more than {limit:,} loop iterations: gradviz stopped the program (is a loop endless?)</source>
        <translation>循环次数超过 {limit:,}：gradviz 停止了程序（是不是有死循环？）</translation>
    </message>
    <message>
        <source>calling &apos;{name}&apos; is refused: it came out of a container or a result, and is not one of the functions gradviz programs are given (torch, nn, F, math, the builtins listed in the README and the methods the allow-list offers)</source>
        <translation>拒绝调用 &apos;{name}&apos;：它是从容器或结果里取出来的，不是 gradviz 程序可以使用的函数（torch、nn、F、math、README 列出的内置函数，以及允许列表提供的方法）</translation>
    </message>
    <message>
        <source>{error}: tensor(...) is how PyTorch prints a tensor, so this line is likely output pasted with the code; leave it out, or write torch.tensor(...)</source>
        <translation>{error}：tensor(...) 是 PyTorch 打印张量的样子，所以这一行多半是连同代码一起粘贴进来的输出；请删掉它，或者写成 torch.tensor(...)</translation>
    </message>
    <message>
        <source>{error} (gradviz programs see torch, F, nn, math and the names they assign)</source>
        <translation>{error}（gradviz 程序能看到 torch、F、nn、math 以及自己赋值的名字）</translation>
    </message>
    <message>
        <source>the program ran longer than {seconds:g} s and was stopped: make loops shorter or tensors smaller</source>
        <translation>程序运行超过 {seconds:g} 秒，已被停止：请缩短循环或减小张量</translation>
    </message>
    <message>
        <source>the program ran longer than {seconds:g} s and was stopped</source>
        <translation>程序运行超过 {seconds:g} 秒，已被停止</translation>
    </message>
</context>
<context>
    <name>language</name>
    <message>
        <source>&apos;del&apos; of the attribute &apos;.{name}&apos; is refused: gradviz programs may delete variables, not attributes</source>
        <translation>不允许 del 属性“.{name}”：gradviz 程序可以删除变量，不能删除属性</translation>
    </message>
    <message>
        <source>syntax error: {detail}</source>
        <translation>语法错误：{detail}</translation>
    </message>
    <message>
        <source> — a wide or no-break space (from a Chinese input method or a web page), not the space Python reads: type an ordinary space</source>
        <translation> —— 这是全角空格或不换行空格（来自中文输入法或网页），不是 Python 认识的空格：请输入普通空格</translation>
    </message>
    <message>
        <source> — &apos;{char}&apos; stands for &apos;{twin}&apos; (typed with a Chinese input method): type &apos;{twin}&apos; with the input method in English</source>
        <translation> —— “{char}”是中文输入法打出的“{twin}”：请切换到英文输入法，输入“{twin}”</translation>
    </message>
    <message>
        <source>import of &apos;*&apos; from {module} is refused: name what you import; gradviz accepts {accepted}, or &apos;from torch import nn&apos; and the like</source>
        <translation>不允许从 {module} 导入“*”：请写出要导入的名字；gradviz 接受 {accepted}，或 &apos;from torch import nn&apos; 之类的写法</translation>
    </message>
    <message>
        <source>import of &apos;{module}.{name}&apos; is refused: it is not one of the names gradviz programs may use from {module}; gradviz accepts {accepted}, or &apos;from torch import nn&apos; and the like</source>
        <translation>不允许导入“{module}.{name}”：它不在 gradviz 程序可以从 {module} 中使用的名字之列；gradviz 接受 {accepted}，或 &apos;from torch import nn&apos; 之类的写法</translation>
    </message>
    <message>
        <source>numpy is not available in gradviz programs: torch has the same functions (torch.linspace, torch.sin, torch.tensor([...]); tensor.tolist() gives plain numbers)</source>
        <translation>gradviz 程序中不能使用 numpy：torch 有同样的函数（torch.linspace、torch.sin、torch.tensor([...])；tensor.tolist() 可以得到普通数字）</translation>
    </message>
    <message>
        <source>import from &apos;{module}&apos; is refused: gradviz programs cannot import other modules; they accept {accepted}, or &apos;from torch import nn&apos; and the like (torch, F, nn and math are already there)</source>
        <translation>不允许从“{module}”导入：gradviz 程序不能导入其他模块；只接受 {accepted}，或 &apos;from torch import nn&apos; 之类的写法（torch、F、nn 和 math 已经可以直接使用）</translation>
    </message>
    <message>
        <source>import of &apos;{module}&apos; is refused: gradviz programs cannot import other modules; they accept {accepted}, or &apos;from torch import nn&apos; and the like (torch, F, nn and math are already there)</source>
        <translation>不允许导入“{module}”：gradviz 程序不能导入其他模块；只接受 {accepted}，或 &apos;from torch import nn&apos; 之类的写法（torch、F、nn 和 math 已经可以直接使用）</translation>
    </message>
    <message>
        <source>assigning &apos;.{name}&apos; here is refused: assign an attribute in a statement of its own (obj.{name} = value)</source>
        <translation>不允许在这里给“.{name}”赋值：请用单独一条语句给属性赋值（obj.{name} = value）</translation>
    </message>
    <message>
        <source>this statement is too deeply nested for gradviz (the limit is about {limit} levels): split it into several statements</source>
        <translation>这条语句嵌套太深，gradviz 无法处理（上限约为 {limit} 层）：请拆成几条语句</translation>
    </message>
    <message>
        <source>gradviz cannot compile this program: {error}</source>
        <translation>gradviz 无法编译这个程序：{error}</translation>
    </message>
    <message>
        <source>def is not part of gradviz&apos;s language: write the steps out, or load a .py model file</source>
        <extracomment>Deeper trees are refused before the (recursive) rewrite and compiler see them. Names refused with a reason, so the message says more than &quot;not defined&quot;.</extracomment>
        <translation>gradviz 的语言不支持 def：请把步骤逐条写出来，或加载一个 .py 模型文件</translation>
    </message>
    <message>
        <source>async def is not part of gradviz&apos;s language</source>
        <translation>gradviz 的语言不支持 async def</translation>
    </message>
    <message>
        <source>class is not part of gradviz&apos;s language: load a .py model file (File ▸ Open) for your own nn.Module</source>
        <translation>gradviz 的语言不支持 class：自己的 nn.Module 请通过加载 .py 模型文件（文件 ▸ 打开）来使用</translation>
    </message>
    <message>
        <source>global is not part of gradviz&apos;s language</source>
        <translation>gradviz 的语言不支持 global</translation>
    </message>
    <message>
        <source>nonlocal is not part of gradviz&apos;s language</source>
        <translation>gradviz 的语言不支持 nonlocal</translation>
    </message>
    <message>
        <source>try/except is not part of gradviz&apos;s language: gradviz reports errors itself</source>
        <translation>gradviz 的语言不支持 try/except：gradviz 会自己报告错误</translation>
    </message>
    <message>
        <source>raise is not part of gradviz&apos;s language</source>
        <translation>gradviz 的语言不支持 raise</translation>
    </message>
    <message>
        <source>return is only meaningful inside a function</source>
        <translation>return 只在函数内部才有意义</translation>
    </message>
    <message>
        <source>async for is not part of gradviz&apos;s language</source>
        <translation>gradviz 的语言不支持 async for</translation>
    </message>
    <message>
        <source>async with is not part of gradviz&apos;s language</source>
        <translation>gradviz 的语言不支持 async with</translation>
    </message>
    <message>
        <source>lambda is not part of gradviz&apos;s language</source>
        <translation>gradviz 的语言不支持 lambda</translation>
    </message>
    <message>
        <source>yield is not part of gradviz&apos;s language</source>
        <translation>gradviz 的语言不支持 yield</translation>
    </message>
    <message>
        <source>await is not part of gradviz&apos;s language</source>
        <translation>gradviz 的语言不支持 await</translation>
    </message>
    <message>
        <source>the := operator is not part of gradviz&apos;s language: use a separate assignment</source>
        <translation>gradviz 的语言不支持 := 运算符：请用单独的赋值语句</translation>
    </message>
    <message>
        <source>set comprehensions are not part of gradviz&apos;s language</source>
        <translation>gradviz 的语言不支持集合推导式</translation>
    </message>
    <message>
        <source>generator expressions are not part of gradviz&apos;s language: use a list [ ... ]</source>
        <translation>gradviz 的语言不支持生成器表达式：请用列表 [ ... ]</translation>
    </message>
    <message>
        <source>match is not part of gradviz&apos;s language</source>
        <translation>gradviz 的语言不支持 match</translation>
    </message>
    <message>
        <source>a program is text, not {type}</source>
        <translation>程序应该是文本，而不是 {type}</translation>
    </message>
    <message>
        <source>the program has {n:,} lines; gradviz runs programs of up to {limit:,} lines</source>
        <translation>程序有 {n:,} 行；gradviz 最多运行 {limit:,} 行的程序</translation>
    </message>
    <message>
        <source>the program has {n:,} characters; gradviz runs programs of up to {limit:,} characters</source>
        <translation>程序有 {n:,} 个字符；gradviz 最多运行 {limit:,} 个字符的程序</translation>
    </message>
    <message>
        <source>the program contains a null character (code 0), which is not text: delete it</source>
        <translation>程序中含有空字符（编码 0），它不是文本：请删除它</translation>
    </message>
    <message>
        <source>the program contains the character U+{code:04X}, which is half of a pair and not text on its own: delete it</source>
        <translation>程序中含有字符 U+{code:04X}，它只是代理对的一半，单独不构成文本：请删除它</translation>
    </message>
    <message>
        <source> — every line starts with its line number, copied with the code from its page: take the numbers off (pasted into gradviz&apos;s editor, they go by themselves)</source>
        <translation> —— 每一行都以行号开头，是连同代码一起从网页复制来的：请删掉这些行号（粘贴到 gradviz 的编辑器里时会自动删掉）</translation>
    </message>
    <message>
        <source> — this is a session of Python&apos;s prompt (&gt;&gt;&gt;), with what it printed: keep the code after &gt;&gt;&gt; and ... (pasted into gradviz&apos;s editor, the rest goes by itself)</source>
        <translation> —— 这是 Python 交互提示符（&gt;&gt;&gt;）的会话记录，夹着它打印的输出：只保留 &gt;&gt;&gt; 和 ... 后面的代码（粘贴到 gradviz 的编辑器里时，其余部分会自动去掉）</translation>
    </message>
    <message>
        <source>this statement nests too deeply or is too long for gradviz: split it into several statements</source>
        <translation>这条语句嵌套太深或太长，gradviz 无法处理：请拆成几条语句</translation>
    </message>
    <message>
        <source>this statement nests more than {limit} levels deep (brackets, calls and operators): split it into several statements</source>
        <translation>这条语句嵌套超过 {limit} 层（括号、调用和运算符）：请拆成几条语句</translation>
    </message>
    <message>
        <source>&apos;{statement}&apos; statements are not part of gradviz&apos;s language</source>
        <translation>gradviz 的语言不支持“{statement}”语句</translation>
    </message>
    <message>
        <source>&apos;{name}&apos; is refused: gradviz programs cannot run code, read files or look into Python&apos;s internals</source>
        <translation>不允许使用“{name}”：gradviz 程序不能运行代码、读取文件或查看 Python 的内部实现</translation>
    </message>
    <message>
        <source>keyword &apos;{name}&apos; is refused: it hands torch a memory address</source>
        <translation>不允许使用关键字参数“{name}”：它会把一个内存地址交给 torch</translation>
    </message>
    <message>
        <source>keyword &apos;{name}&apos; is refused: private parameters (a leading underscore) are not part of gradviz&apos;s language</source>
        <translation>不允许使用关键字参数“{name}”：私有参数（以下划线开头）不属于 gradviz 的语言</translation>
    </message>
    <message>
        <source>print(file=...) is refused: gradviz shows what a program prints in its console and writes no files</source>
        <translation>不允许使用 print(file=...)：gradviz 在控制台里显示程序打印的内容，不写文件</translation>
    </message>
    <message>
        <source>name &apos;{name}&apos; is refused: names with double underscores reach Python&apos;s internals</source>
        <translation>不允许使用名字“{name}”：带双下划线的名字会触及 Python 的内部实现</translation>
    </message>
    <message>
        <source>keyword &apos;{name}&apos; is refused: names with double underscores reach Python&apos;s internals</source>
        <translation>不允许使用关键字参数“{name}”：带双下划线的名字会触及 Python 的内部实现</translation>
    </message>
    <message>
        <source>attribute &apos;{name}&apos; is refused: names with double underscores reach Python&apos;s internals</source>
        <translation>不允许使用属性“{name}”：带双下划线的名字会触及 Python 的内部实现</translation>
    </message>
    <message>
        <source>attribute &apos;{name}&apos; is refused: private attributes are not part of gradviz&apos;s language (the _saved_ values of a grad_fn are)</source>
        <translation>不允许使用属性“{name}”：gradviz 的语言不支持私有属性（grad_fn 的 _saved_ 值除外）</translation>
    </message>
</context>
<context>
    <name>layout</name>
    <message>
        <source>Install the layout engine with `pip install graphviz-pure`, or set {variable} to a Graphviz `dot` program (for example {variable}=/usr/bin/dot).</source>
        <translation>请用 `pip install graphviz-pure` 安装布局引擎，或把 {variable} 设为一个 Graphviz `dot` 程序（例如 {variable}=/usr/bin/dot）。</translation>
    </message>
    <message>
        <source>the engine setting</source>
        <translation>引擎设置</translation>
    </message>
    <message>
        <source>Layout engine {program!r} (from {origin}) was not found or is not executable. {hint}</source>
        <translation>找不到布局引擎 {program!r}（来自{origin}），或它不可执行。{hint}</translation>
    </message>
    <message>
        <source>No Graphviz layout engine was found. {hint}</source>
        <translation>没有找到 Graphviz 布局引擎。{hint}</translation>
    </message>
    <message>
        <source>Could not start the layout engine {program!r}: {error}. {hint}</source>
        <translation>无法启动布局引擎 {program!r}：{error}。{hint}</translation>
    </message>
    <message>
        <source>Layout cancelled.</source>
        <extracomment>Boxes from which a provisional layout is drawn first. Graphviz-pure plus reading its answer takes about 0.35 s for 1,500 boxes and 2.5-3 s for 10,000 on the 2-core test machine (bench/scale.py); below this the provisional picture would arrive barely earlier. Above this many skipped ranks (:func:`long_edge_length`) Graphviz is not asked: it would take from seconds to many minutes, and the quick layout is the final one (``LayoutPlan.quick``). Layouts with more boxes than this get their sketch arrays made here, on the worker thread: the canvas previews them before their items exist (gradviz.qt.canvas.big_graphs).</extracomment>
        <translation>布局已取消。</translation>
    </message>
    <message>
        <source>The layout engine took longer than {seconds:g} s and was stopped. Collapse some modules or hide values to make the graph smaller.</source>
        <translation>布局引擎运行超过 {seconds:g} 秒，已被停止。请折叠一些模块或隐藏数值，让计算图变小。</translation>
    </message>
    <message>
        <source>(no message)</source>
        <translation>（没有消息）</translation>
    </message>
    <message>
        <source>The layout engine {program!r} failed (exit code {code}): {message}</source>
        <translation>布局引擎 {program!r} 出错（退出码 {code}）：{message}</translation>
    </message>
</context>
<context>
    <name>lessons</name>
    <message>
        <source>no lesson &apos;{name}&apos;; the lessons are: {names}</source>
        <translation>没有课程“{name}”；现有的课程是：{names}</translation>
    </message>
    <message>
        <source>missing &quot;{key}&quot;</source>
        <translation>缺少“{key}”</translation>
    </message>
    <message>
        <source>&quot;{key}&quot; should be {kinds}, not {type}</source>
        <translation>“{key}”应该是 {kinds}，而不是 {type}</translation>
    </message>
    <message>
        <source>&quot;{key}&quot; should be text, or texts by language ({example})</source>
        <translation>“{key}”应该是文本，或按语言给出的文本（{example}）</translation>
    </message>
    <message>
        <source>not a gradviz lesson file (no &quot;{key}&quot; version)</source>
        <translation>不是 gradviz 课程文件（没有“{key}”版本号）</translation>
    </message>
    <message>
        <source>&quot;{key}&quot; should be a version number</source>
        <translation>“{key}”应该是版本号</translation>
    </message>
    <message>
        <source>made by a newer gradviz (lesson format {version}); this gradviz reads format {format}. Update gradviz to open it.</source>
        <translation>由更新版本的 gradviz 创建（课程格式 {version}）；这个 gradviz 只能读取格式 {format}。请更新 gradviz 后再打开。</translation>
    </message>
    <message>
        <source>its program is refused: {error}</source>
        <translation>其中的程序不被接受：{error}</translation>
    </message>
    <message>
        <source>&quot;roots&quot; and &quot;view.collapsed&quot; hold names (strings)</source>
        <translation>“roots”和“view.collapsed”中应该是名字（字符串）</translation>
    </message>
    <message>
        <source>&quot;roots&quot; holds at most {count} names of at most {chars} characters</source>
        <translation>&quot;roots&quot; 最多放 {count} 个名字，每个最多 {chars} 个字符</translation>
    </message>
    <message>
        <source>view: &quot;zoom&quot; should be a positive number, not {zoom}</source>
        <translation>view：“zoom”应该是正数，而不是 {zoom}</translation>
    </message>
    <message>
        <source>view: &quot;labels&quot; should be {styles}, not {labels!r}</source>
        <translation>view：“labels”应该是 {styles}，而不是 {labels!r}</translation>
    </message>
    <message>
        <source>view: &quot;theme&quot; should be {themes}, not {theme!r}</source>
        <translation>view：“theme”应该是 {themes}，而不是 {theme!r}</translation>
    </message>
    <message>
        <source>{file} is {megabytes:.0f} MB: a lesson file is a few kilobytes of text, so this is not one (gradviz opens lesson files of up to {limit} MB)</source>
        <translation>{file} 有 {megabytes:.0f} MB：课程文件只是几 KB 的文本，所以它不是课程文件（gradviz 只打开不超过 {limit} MB 的课程文件）</translation>
    </message>
    <message>
        <source>no file {path}</source>
        <translation>没有文件 {path}</translation>
    </message>
    <message>
        <source>cannot read {path}: {error}</source>
        <translation>无法读取 {path}：{error}</translation>
    </message>
    <message>
        <source>{file} is damaged: line {line}, column {col}: {error}</source>
        <translation>{file} 已损坏：第 {line} 行第 {col} 列：{error}</translation>
    </message>
    <message>
        <source>{file} is damaged: {error}</source>
        <translation>{file} 已损坏：{error}</translation>
    </message>
</context>
<context>
    <name>marks</name>
    <message>
        <source>∇ pending</source>
        <extracomment>(highlight, badge text, badge tone) of one node; &quot;&quot; is no badge. Trace edges are unique by (source, target, slot); the canvas draws one item per edge. The badge of a node this backward pass has not reached, and no gradient has reached yet.</extracomment>
        <translation>∇ 待计算</translation>
    </message>
    <message>
        <source>∇ Σ{n} parts = {result}</source>
        <extracomment>Above this many nodes the grey fill alone says &quot;pending&quot;: a pass&apos;s first step would otherwise re-badge every node at once (26 ms for 500), and zoomed out far enough to see them all, badges are not drawn anyway. The badge of a gradient a quiz asks for, until it is answered.</extracomment>
        <translation>∇ Σ{n} 部分 = {result}</translation>
    </message>
    <message>
        <source>not visible</source>
        <translation>不可见</translation>
    </message>
</context>
<context>
    <name>python</name>
    <message>
        <source>invalid syntax</source>
        <translation>无效的语法</translation>
    </message>
    <message>
        <source>invalid syntax. Perhaps you forgot a comma?</source>
        <translation>无效的语法。是不是漏了逗号？</translation>
    </message>
    <message>
        <source>&apos;{bracket}&apos; was never closed</source>
        <translation>“{bracket}”没有闭合</translation>
    </message>
    <message>
        <source>unmatched &apos;{bracket}&apos;</source>
        <translation>“{bracket}”没有与之配对的括号</translation>
    </message>
    <message>
        <source>closing parenthesis &apos;{closing}&apos; does not match opening parenthesis &apos;{opening}&apos;</source>
        <translation>右括号“{closing}”与左括号“{opening}”不匹配</translation>
    </message>
    <message>
        <source>expected &apos;:&apos;</source>
        <translation>缺少“:”</translation>
    </message>
    <message>
        <source>unexpected indent</source>
        <translation>多余的缩进</translation>
    </message>
    <message>
        <source>unindent does not match any outer indentation level</source>
        <translation>取消缩进后与外层的任何缩进都对不上</translation>
    </message>
    <message>
        <source>expected an indented block after &apos;{statement}&apos; statement on line {line}</source>
        <translation>第 {line} 行的“{statement}”语句后面缺少缩进的代码块</translation>
    </message>
    <message>
        <source>unterminated string literal (detected at line {line})</source>
        <translation>字符串没有结束（在第 {line} 行发现）</translation>
    </message>
    <message>
        <source>invalid decimal literal</source>
        <translation>无效的数字</translation>
    </message>
    <message>
        <source>invalid character &apos;{char}&apos; (U+{code})</source>
        <translation>无效字符“{char}”(U+{code})</translation>
    </message>
    <message>
        <source>invalid non-printable character U+{code}</source>
        <translation>无效的不可见字符 U+{code}</translation>
    </message>
    <message>
        <source>cannot assign to {what} here. Maybe you meant &apos;==&apos; instead of &apos;=&apos;?</source>
        <translation>这里不能给 {what} 赋值。是不是想用“==”而不是“=”？</translation>
    </message>
    <message>
        <source>&apos;{statement}&apos; outside loop</source>
        <translation>“{statement}”不在循环内</translation>
    </message>
    <message>
        <source>name &apos;{name}&apos; is not defined</source>
        <translation>名字“{name}”没有定义</translation>
    </message>
</context>
<context>
    <name>quiz</name>
    <message>
        <source>Revealed: {truth}.</source>
        <extracomment>A guess within this share of the answer, or within ABSOLUTE of it, is right. Questions made up for a lesson without its own ask for gradients of at most this many numbers: a student can work those out from the rule; a 16×16 matrix product, not.</extracomment>
        <translation>答案：{truth}。</translation>
    </message>
    <message>
        <source>Right: {truth} (you said {guess}).</source>
        <translation>正确：{truth}（你的答案是 {guess}）。</translation>
    </message>
    <message>
        <source>Not quite: {truth}, not {guess}.</source>
        <translation>不太对：{truth}，而不是 {guess}。</translation>
    </message>
    <message>
        <source>Predict element {element} of {symbol}: the gradient the backward step of {sender} sends to {name}.</source>
        <translation>预测 {symbol} 的元素 {element}：{sender} 的反向传播这一步传给 {name} 的梯度。</translation>
    </message>
    <message>
        <source>Predict {symbol}: the gradient the backward step of {sender} sends to {name}.</source>
        <translation>预测 {symbol}：{sender} 的反向传播这一步传给 {name} 的梯度。</translation>
    </message>
    <message>
        <source>each question needs &quot;node&quot;: the name of the node whose step sends the gradient</source>
        <translation>每个问题都需要“node”：发出梯度的那一步所在节点的名字</translation>
    </message>
    <message>
        <source>a question&apos;s &quot;pass&quot; is a backward call&apos;s number, 1 for the first</source>
        <translation>问题的“pass”是第几次 backward 调用，第一次为 1</translation>
    </message>
    <message>
        <source>a question&apos;s &quot;{key}&quot; should be text</source>
        <translation>问题的“{key}”应该是文本</translation>
    </message>
</context>
<context>
    <name>recording</name>
    <message>
        <source>editing values, the gradient check and &quot;why is my grad None?&quot; need the program run again, which a recording cannot do</source>
        <extracomment>What a recording cannot do, said wherever one is shown: these need the program run again. Marked for the catalogue; :func:`needs_rerun` gives it in the user&apos;s language.</extracomment>
        <translation>修改数值、梯度检查和“为什么我的 grad 是 None？”都需要重新运行程序，而录制文件做不到</translation>
    </message>
    <message>
        <source>this is not a gradviz recording (it does not start with &apos;gradviz recording&apos;)</source>
        <translation>这不是 gradviz 录制文件（它不是以 &apos;gradviz recording&apos; 开头的）</translation>
    </message>
    <message>
        <source>the recording&apos;s header is damaged (no format version)</source>
        <translation>录制文件的文件头已损坏（没有格式版本）</translation>
    </message>
    <message>
        <source>the recording has format {version}, newer than this gradviz reads ({format}): update gradviz to open it</source>
        <translation>录制文件的格式是 {version}，比这个 gradviz 能读的（{format}）更新：请更新 gradviz 后再打开</translation>
    </message>
    <message>
        <source>the recording is damaged: {error}</source>
        <translation>录制文件已损坏：{error}</translation>
    </message>
    <message>
        <source>the recording holds no graph</source>
        <translation>录制文件中没有计算图</translation>
    </message>
    <message>
        <source>the recording&apos;s description is damaged</source>
        <translation>录制文件的描述已损坏</translation>
    </message>
</context>
<context>
    <name>recurrent</name>
    <message>
        <source>its mode {mode!r} is not one torch&apos;s kernels know</source>
        <translation>它的模式 {mode!r} 不是 torch 内核认识的</translation>
    </message>
    <message>
        <source>its list of weights was changed</source>
        <translation>它的权重列表被改动过</translation>
    </message>
    <message>
        <source>its weight {name} is not a tensor</source>
        <translation>它的权重 {name} 不是张量</translation>
    </message>
    <message>
        <source>its weight {name} is {shape}, {dtype}; its settings need {expected}, {first}</source>
        <translation>它的权重 {name} 是 {shape}、{dtype}；按它的设置应为 {expected}、{first}</translation>
    </message>
    <message>
        <source>running {module} is refused: {problem} (torch&apos;s recurrent kernels trust their weights&apos; shapes; make a new layer instead)</source>
        <translation>不允许运行 {module}：{problem}（torch 的循环层内核信任权重的形状；请新建一个层）</translation>
    </message>
</context>
<context>
    <name>run</name>
    <message>
        <source>the run ran out of memory</source>
        <extracomment>Set to &quot;1&quot; in the environment of the process that starts the runner (``bench/fuzz.py``, the runner&apos;s fuzz test) to make every run plant a canary (see :func:`plant_fuzz_canary`). The runner and its runs only inherit it: a program, a lesson file or a run cannot set it for a later run (each run is a fork of the runner, whose environment no run can reach). The canary&apos;s name, as hostile fuzz programs spell it (tests/core/program/fuzz_programs.py). Where it is planted: where a program that got out of the language would end up -- the builtins (a frame&apos;s f_builtins), the globals of torch&apos;s, nn&apos;s, F&apos;s and gradviz&apos;s own code above the program&apos;s frame (a generator&apos;s or function&apos;s f_globals, __globals__); and torch.Tensor and nn.Module, whose dicts an attribute chain walks.</extracomment>
        <translation>运行时内存不足</translation>
    </message>
    <message>
        <source>the run nested too deeply (Python&apos;s recursion limit)</source>
        <translation>运行时嵌套太深（超过 Python 的递归上限）</translation>
    </message>
    <message>
        <source>the code called sys.exit({code!r})</source>
        <translation>代码调用了 sys.exit({code!r})</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>the run ended without a word</source>
        <translation>运行结束了，但什么也没有返回</translation>
    </message>
    <message>
        <source>the program ran longer than {seconds:g} s and was stopped{where}: make loops shorter or tensors smaller</source>
        <translation>程序运行超过 {seconds:g} 秒，已被停止{where}：请缩短循环或减小张量</translation>
    </message>
    <message>
        <source>the run sent back more than {megabytes} MB and was stopped{where}: make the graph smaller</source>
        <translation>运行返回的数据超过 {megabytes} MB，已被停止{where}：请把计算图变小</translation>
    </message>
    <message>
        <source>the run sent back something that is not a result and was stopped{where}</source>
        <translation>运行返回的东西不是结果，已被停止{where}</translation>
    </message>
    <message>
        <source>gradviz could not start a run process ({reason}); try again</source>
        <translation>gradviz 无法启动运行进程（{reason}）；请重试</translation>
    </message>
    <message>
        <source>the run process was killed{where} — most likely the system ran out of memory; make tensors smaller</source>
        <translation>运行进程被终止了{where}——很可能是系统内存不足；请减小张量</translation>
    </message>
    <message>
        <source>the run process crashed ({signal}){where}</source>
        <translation>运行进程崩溃了（{signal}）{where}</translation>
    </message>
    <message>
        <source>the run process exited with status {code}{where} (the code called os._exit or sys.exit)</source>
        <translation>运行进程以状态 {code} 退出{where}（代码调用了 os._exit 或 sys.exit）</translation>
    </message>
    <message>
        <source>the run ended without a result{where}</source>
        <translation>运行结束了，但没有结果{where}</translation>
    </message>
    <message>
        <source> while starting</source>
        <translation>（启动时）</translation>
    </message>
    <message>
        <source> while loading the module file</source>
        <translation>（加载模块文件时）</translation>
    </message>
    <message>
        <source> while reading the program</source>
        <translation>（读取程序时）</translation>
    </message>
    <message>
        <source> while sending the result back</source>
        <translation>（返回结果时）</translation>
    </message>
    <message>
        <source> during gradviz&apos;s own backward pass</source>
        <translation>（在 gradviz 自己做的反向传播中）</translation>
    </message>
    <message>
        <source>the run sent back a malformed message ({error})</source>
        <translation>运行返回了格式错误的消息（{error}）</translation>
    </message>
    <message>
        <source>(called from line {line} of the program: {statement})</source>
        <translation>（从程序第 {line} 行调用：{statement}）</translation>
    </message>
    <message>
        <source>The model ran on an input gradviz guessed from its first layer ({input}): give it its own (--input on the command line; in the app, the Input field of File ▸ Open Module…).</source>
        <extracomment>What the operating system&apos;s wall could not close around this run (told with its result).</extracomment>
        <translation>模型用的是 gradviz 根据它的第一层猜出的输入（{input}）：请给它自己的输入（命令行用 --input；在应用里，用“文件 ▸ 打开模块…”的“输入”栏）。</translation>
    </message>
    <message>
        <source>. It printed: {text}</source>
        <translation>。它打印了：{text}</translation>
    </message>
    <message>
        <source>{file} line {line} called sys.exit({code!r}) while gradviz imported it (script code such as argparse runs at import): move it under `if __name__ == &quot;__main__&quot;:` so that importing the file only defines its classes</source>
        <translation>gradviz 导入 {file} 时，它的第 {line} 行调用了 sys.exit({code!r})（argparse 之类的脚本代码在导入时就会运行）：请把它移到 `if __name__ == &quot;__main__&quot;:` 下面，让导入这个文件时只定义其中的类</translation>
    </message>
    <message>
        <source>{file} called sys.exit({code!r}) while gradviz imported it (script code such as argparse runs at import): move it under `if __name__ == &quot;__main__&quot;:` so that importing the file only defines its classes</source>
        <translation>gradviz 导入 {file} 时，它调用了 sys.exit({code!r})（argparse 之类的脚本代码在导入时就会运行）：请把它移到 `if __name__ == &quot;__main__&quot;:` 下面，让导入这个文件时只定义其中的类</translation>
    </message>
    <message>
        <source>This machine offers no full operating-system wall around programs ({notes}): they are held by gradviz&apos;s language and their own process only.</source>
        <translation>这台机器无法给程序加上完整的操作系统隔离（{notes}）：程序只受 gradviz 的语言和它自己的进程约束。</translation>
    </message>
</context>
<context>
    <name>session</name>
    <message>
        <source>your program</source>
        <extracomment>Failures where the run process itself ended badly, not the program (the graph stays). What the program is called once it is no longer the lesson it started from (translated when shown).</extracomment>
        <translation>你的程序</translation>
    </message>
    <message>
        <source>untitled program</source>
        <extracomment>A lesson edited until fewer than this share of its lines remain is the student&apos;s own program.</extracomment>
        <translation>未命名程序</translation>
    </message>
    <message>
        <source>{name} lesson</source>
        <translation>课程 {name}</translation>
    </message>
    <message>
        <source>Loaded {name}: gradviz ran the Python code of {file}.</source>
        <translation>已加载 {name}：gradviz 运行了 {file} 中的 Python 代码。</translation>
    </message>
    <message>
        <source>recording</source>
        <translation>录制</translation>
    </message>
    <message>
        <source>{name} (recording)</source>
        <translation>{name}（录制）</translation>
    </message>
    <message>
        <source>A recording: the graph, values, gradients and steps as they were recorded; {needs_rerun}.</source>
        <translation>这是录制文件：计算图、数值、梯度和步骤都是录制时的样子；{needs_rerun}。</translation>
    </message>
    <message>
        <source> The previous graph is still shown.</source>
        <translation>仍显示之前的计算图。</translation>
    </message>
    <message>
        <source>gradviz could not show this program: {error}</source>
        <translation>gradviz 无法显示这个程序：{error}</translation>
    </message>
    <message>
        <source>Run cancelled; the previous graph is still shown.</source>
        <translation>运行已取消；仍显示之前的计算图。</translation>
    </message>
    <message>
        <source>This is a recording: {needs_rerun}.</source>
        <translation>这是录制文件：{needs_rerun}。</translation>
    </message>
    <message>
        <source>Edited in gradviz, not in the program text: {values}.</source>
        <translation>在 gradviz 中修改、未写入程序文本的值：{values}。</translation>
    </message>
</context>
<context>
    <name>trace</name>
    <message>
        <source>scalar</source>
        <extracomment>op: an autograd node (its value is its output 0); leaf: an AccumulateGrad; constant: a tensor that needs no grad (op &quot;Buffer&quot; for a module&apos;s buffer); output: output k ≥ 1 of a multi-output op.</extracomment>
        <translation>标量</translation>
    </message>
</context>
<context>
    <name>train_cli</name>
    <message>
        <source>expected sizes like 16,16, not {text!r}</source>
        <translation>应该是 16,16 这样的层大小，而不是 {text!r}</translation>
    </message>
    <message>
        <source>hidden sizes must be positive</source>
        <translation>隐藏层大小必须是正数</translation>
    </message>
    <message>
        <source>expected one of {models} or path.py:ClassName, not {text!r}</source>
        <translation>应该是 {models} 之一或 path.py:ClassName，而不是 {text!r}</translation>
    </message>
    <message>
        <source>expected a number or &apos;full&apos;, not {text!r}</source>
        <translation>应该是一个数或 &apos;full&apos;，而不是 {text!r}</translation>
    </message>
    <message>
        <source>expected an integer or &apos;none&apos;, not {text!r}</source>
        <translation>应该是一个整数或 &apos;none&apos;，而不是 {text!r}</translation>
    </message>
    <message>
        <source>train a toy network headless</source>
        <translation>不开窗口训练一个小网络</translation>
    </message>
    <message>
        <source>Train a toy network without the GUI. With --lesson, the lesson&apos;s settings are used and any other option given overrides them.</source>
        <translation>不开图形界面训练一个小网络。使用 --lesson 时采用该课程的设置，另外给出的选项会覆盖它们。</translation>
    </message>
    <message>
        <source>{datasets} or a path to a .csv file (default toy)</source>
        <translation>{datasets} 或一个 .csv 文件的路径（默认 toy）</translation>
    </message>
    <message>
        <source>start from a training lesson&apos;s settings</source>
        <translation>从一个训练课程的设置开始</translation>
    </message>
    <message>
        <source>{models} or path.py:ClassName, a module of your own made with no arguments (default mlp)</source>
        <translation>{models} 或 path.py:ClassName，即你自己的、不带参数创建的模块（默认 mlp）</translation>
    </message>
    <message>
        <source>hidden layer sizes of the mlp, e.g. 16,16</source>
        <translation>mlp 的隐藏层大小，例如 16,16</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>a number, or &apos;full&apos; for the whole training set</source>
        <translation>一个数，或 &apos;full&apos; 表示整个训练集</translation>
    </message>
    <message>
        <source>learning-rate schedule per epoch</source>
        <translation>每轮的学习率调度</translation>
    </message>
    <message>
        <source>schedule factor</source>
        <translation>调度系数</translation>
    </message>
    <message>
        <source>epochs between steps of the &apos;step&apos; schedule</source>
        <translation>&apos;step&apos; 调度中每隔多少轮调整一次</translation>
    </message>
    <message>
        <source>an integer, or &apos;none&apos; for a random run</source>
        <translation>一个整数，或 &apos;none&apos; 表示随机运行</translation>
    </message>
    <message>
        <source>{devices} (default auto)</source>
        <translation>{devices}（默认 auto）</translation>
    </message>
    <message>
        <source>torch CPU threads in the run; 0: one per core (default 1: toy networks run fastest on one)</source>
        <translation>运行中 torch 使用的 CPU 线程数；0：每个核心一个（默认 1：小网络用一个线程最快）</translation>
    </message>
    <message>
        <source>print each batch&apos;s loss, not only each epoch&apos;s</source>
        <translation>打印每个批次的损失，而不只是每轮的</translation>
    </message>
    <message>
        <source>write the loss history, one row per batch</source>
        <translation>写出损失记录，每个批次一行</translation>
    </message>
    <message>
        <source>save the trained state_dict</source>
        <translation>保存训练好的 state_dict</translation>
    </message>
    <message>
        <source>epoch {epoch}/{epochs} step {step}/{steps} loss {loss:.4f}</source>
        <translation>第 {epoch}/{epochs} 轮 第 {step}/{steps} 步 损失 {loss:.4f}</translation>
    </message>
    <message>
        <source>epoch {epoch}/{epochs} done, {step}/{steps} steps, {seconds:.1f} s</source>
        <translation>第 {epoch}/{epochs} 轮完成，{step}/{steps} 步，{seconds:.1f} 秒</translation>
    </message>
    <message>
        <source>training {model} model on {dataset!r} ({train} train / {test} test) on {device}, {epochs} epochs x {batches} batches</source>
        <translation>在 {device} 上用 {dataset!r}（训练集 {train} / 测试集 {test}）训练 {model} 模型，{epochs} 轮 x {batches} 个批次</translation>
    </message>
    <message>
        <source>epoch {epoch}/{epochs}  train loss {train}  test loss {test}</source>
        <translation>第 {epoch}/{epochs} 轮  训练损失 {train}  测试损失 {test}</translation>
    </message>
    <message>
        <source>  train acc {train}  test acc {test}</source>
        <translation>  训练准确率 {train}  测试准确率 {test}</translation>
    </message>
    <message>
        <source>epoch {epoch} batch {batch}/{batches} loss {loss:.4f}</source>
        <translation>第 {epoch} 轮 第 {batch}/{batches} 批 损失 {loss:.4f}</translation>
    </message>
    <message>
        <source>gradviz train: error: {message}</source>
        <translation>gradviz train：错误：{message}</translation>
    </message>
    <message>
        <source>the run ended before sending its weights</source>
        <translation>运行在发回权重之前就结束了</translation>
    </message>
    <message>
        <source>gradviz train: interrupted</source>
        <translation>gradviz train：已中断</translation>
    </message>
    <message>
        <source>final accuracy: train {train}  test {test}</source>
        <translation>最终准确率：训练集 {train}  测试集 {test}</translation>
    </message>
    <message>
        <source>final loss: train {train}  test {test}</source>
        <translation>最终损失：训练集 {train}  测试集 {test}</translation>
    </message>
    <message>
        <source>wrote {rows} rows to {path}</source>
        <translation>已向 {path} 写入 {rows} 行</translation>
    </message>
    <message>
        <source>saved weights to {path}</source>
        <translation>权重已保存到 {path}</translation>
    </message>
</context>
<context>
    <name>training</name>
    <message>
        <source>unknown model {model!r}: choose one of {models}</source>
        <extracomment>What NeuralNetwork accepts (models._ACTIVATIONS, tested equal), checked before any model is built.</extracomment>
        <translation>未知的模型 {model!r}：请从 {models} 中选择</translation>
    </message>
    <message>
        <source>model must be a model name, a ModuleSpec or a callable returning an nn.Module</source>
        <translation>模型必须是模型名、ModuleSpec 或返回 nn.Module 的可调用对象</translation>
    </message>
    <message>
        <source>hidden layer sizes must be positive, not {sizes}</source>
        <translation>隐藏层大小必须是正数，而不是 {sizes}</translation>
    </message>
    <message>
        <source>momentum and weight decay must not be negative</source>
        <translation>动量和权重衰减不能为负</translation>
    </message>
    <message>
        <source>batch size must be at least 1, not {size}</source>
        <translation>批大小至少为 1，而不是 {size}</translation>
    </message>
    <message>
        <source>epochs must be at least 1, not {epochs}</source>
        <translation>训练轮数至少为 1，而不是 {epochs}</translation>
    </message>
    <message>
        <source>schedule step_size must be &gt;= 1 and gamma &gt; 0</source>
        <translation>调度的 step_size 必须 &gt;= 1，且 gamma &gt; 0</translation>
    </message>
    <message>
        <source>unknown {what} {value!r}: choose one of {names}</source>
        <translation>未知的 {what} {value!r}：请从 {names} 中选择</translation>
    </message>
    <message>
        <source>learning rate must be a positive number, not {lr}</source>
        <translation>学习率必须是正数，而不是 {lr}</translation>
    </message>
    <message>
        <source>unknown training lesson {name!r}: choose one of {names}</source>
        <extracomment>The lessons of lessons.md that train, as configs. What choosing a dataset sets up: a model, loss and learning rate that learn it — at least 95 % test accuracy on circles, moons, xor and blobs and 90 % on spirals, in a few seconds on one CPU core (tests/core/training/test_presets.py trains each; bench/training.py times them).</extracomment>
        <translation>未知的训练课程 {name!r}：请从 {names} 中选择</translation>
    </message>
    <message>
        <source>missing label (column {col})</source>
        <translation>缺少标签（第 {col} 列）</translation>
    </message>
    <message>
        <source>label {field!r} is not an integer class number</source>
        <translation>标签 {field!r} 不是整数类别编号</translation>
    </message>
    <message>
        <source>label {field!r} is negative; classes are numbered from 0</source>
        <translation>标签 {field!r} 是负数；类别从 0 开始编号</translation>
    </message>
    <message>
        <source>empty value</source>
        <translation>空值</translation>
    </message>
    <message>
        <source>{field!r} is not a number</source>
        <translation>{field!r} 不是数字</translation>
    </message>
    <message>
        <source>{field!r} is not a finite number</source>
        <translation>{field!r} 不是有限的数</translation>
    </message>
    <message>
        <source>no such file</source>
        <translation>没有这个文件</translation>
    </message>
    <message>
        <source>not a text CSV file (it is not UTF-8)</source>
        <translation>不是文本 CSV 文件（不是 UTF-8 编码）</translation>
    </message>
    <message>
        <source>cannot read the file ({error})</source>
        <translation>无法读取文件（{error}）</translation>
    </message>
    <message>
        <source>the file is empty</source>
        <translation>文件是空的</translation>
    </message>
    <message>
        <source>need at least one feature column and a label column, found {n} column</source>
        <translation>至少需要一个特征列和一个标签列，只找到 {n} 列</translation>
    </message>
    <message>
        <source>label column {col} does not exist: the file has {n} columns</source>
        <translation>标签列 {col} 不存在：文件只有 {n} 列</translation>
    </message>
    <message>
        <source>expected {n} columns, found {found}</source>
        <translation>应该有 {n} 列，实际是 {found} 列</translation>
    </message>
    <message>
        <source>need at least 2 data rows, found {n}</source>
        <translation>至少需要 2 行数据，只找到 {n} 行</translation>
    </message>
    <message>
        <source>unknown dataset {name!r}: choose one of {names} or a path to a .csv file</source>
        <extracomment>Dataset name → factory taking no required arguments.</extracomment>
        <translation>未知的数据集 {name!r}：请从 {names} 中选择，或给出一个 .csv 文件的路径</translation>
    </message>
    <message>
        <source>this PyTorch build has no CUDA support (a CPU-only wheel)</source>
        <translation>这个 PyTorch 版本不支持 CUDA（只支持 CPU 的版本）</translation>
    </message>
    <message>
        <source>CUDA could not be initialised: {error}</source>
        <translation>CUDA 无法初始化：{error}</translation>
    </message>
    <message>
        <source>no CUDA GPU was found (or its driver is missing)</source>
        <translation>没有找到 CUDA GPU（或缺少驱动）</translation>
    </message>
    <message>
        <source>MPS needs PyTorch for macOS on Apple silicon</source>
        <translation>MPS 需要 Apple 芯片上的 macOS 版 PyTorch</translation>
    </message>
    <message>
        <source>this Mac has no usable MPS device (macOS 12.3+ on Apple silicon is needed)</source>
        <translation>这台 Mac 没有可用的 MPS 设备（需要 Apple 芯片和 macOS 12.3 以上）</translation>
    </message>
    <message>
        <source>unknown device {name!r}: choose one of auto, {names}</source>
        <translation>未知的设备 {name!r}：请从 auto、{names} 中选择</translation>
    </message>
    <message>
        <source>device {name!r} is not available: {why}</source>
        <translation>设备 {name!r} 不可用：{why}</translation>
    </message>
    <message>
        <source>bad device name {name!r}: {error}</source>
        <translation>设备名 {name!r} 有误：{error}</translation>
    </message>
    <message numerus="yes">
        <source>device {name!r} is not available: only %n CUDA device(s)</source>
        <translation>
            <numerusform>设备 {name!r} 不可用：只有 %n 个 CUDA 设备</numerusform>
        </translation>
    </message>
    <message>
        <source>cross_entropy needs class labels, but {name!r} is a regression dataset: use mse or l1</source>
        <translation>cross_entropy 需要类别标签，但 {name!r} 是回归数据集：请使用 mse 或 l1</translation>
    </message>
    <message>
        <source>the model factory failed: {error}</source>
        <translation>创建模型失败：{error}</translation>
    </message>
    <message>
        <source>the model factory returned a {type}, not an nn.Module</source>
        <translation>创建模型的函数返回的是 {type}，而不是 nn.Module</translation>
    </message>
    <message>
        <source>the linear-regression model takes one input and gives one output; {name!r} has {features} features and needs {width} outputs</source>
        <translation>linear-regression 模型只有一个输入、一个输出；{name!r} 有 {features} 个特征，需要 {width} 个输出</translation>
    </message>
    <message>
        <source>the fashion model needs 28×28 images in 10 classes; {name!r} has {features} features and needs {width} outputs</source>
        <translation>fashion 模型需要 10 个类别的 28×28 图片；{name!r} 有 {features} 个特征，需要 {width} 个输出</translation>
    </message>
    <message>
        <source>batch size {size} with drop_last leaves no batch of the {n} training samples</source>
        <translation>批大小为 {size} 且设置了 drop_last 时，{n} 个训练样本凑不出一个批次</translation>
    </message>
    <message>
        <source>the model class could not be loaded: {error}</source>
        <translation>无法加载模型类：{error}</translation>
    </message>
    <message>
        <source> (&apos;bce&apos; needs outputs in [0, 1]; &apos;bce_logits&apos; takes raw scores)</source>
        <translation>（&apos;bce&apos; 需要 [0, 1] 之间的输出；&apos;bce_logits&apos; 接受原始分数）</translation>
    </message>
    <message>
        <source>the {loss} loss could not be computed: {error}</source>
        <translation>无法计算 {loss} 损失：{error}</translation>
    </message>
    <message>
        <source>cannot write {path}: {error}</source>
        <extracomment>An epoch&apos;s evaluation on the step that ends it: (row in the batch, epoch_loss, test_loss, train_acc, test_acc); None where there is nothing to say (no test set, no classes).</extracomment>
        <translation>无法写入 {path}：{error}</translation>
    </message>
    <message>
        <source>no step of this run was kept: press Step or Start first</source>
        <translation>这次运行没有保留任何一步：请先按“单步”或“开始”</translation>
    </message>
    <message>
        <source>no batch has run yet: press Step or Start first</source>
        <translation>还没有运行任何批次：请先按“单步”或“开始”</translation>
    </message>
    <message>
        <source>loss became {value} at epoch {epoch} batch {batch}: try a smaller learning rate (now {lr:g})</source>
        <translation>损失在第 {epoch} 轮第 {batch} 批变成了 {value}：请试试更小的学习率（当前为 {lr:g}）</translation>
    </message>
    <message>
        <source>a decision boundary needs 2-D points; {name!r} samples are not</source>
        <translation>决策边界需要二维的点；{name!r} 的样本不是</translation>
    </message>
    <message>
        <source>the weights in {source} do not fit this model: {detail}</source>
        <translation>{source} 中的权重与这个模型不匹配：{detail}</translation>
    </message>
    <message>
        <source>the model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>{source} holds {name} as {dtype}, which gradviz cannot carry</source>
        <translation>{source} 中的 {name} 是 {dtype} 类型，gradviz 无法传递</translation>
    </message>
    <message>
        <source>{path}: no such file</source>
        <translation>{path}：没有这个文件</translation>
    </message>
    <message>
        <source>{path} is not a weights file saved with torch.save ({reason})</source>
        <translation>{path} 不是用 torch.save 保存的权重文件（{reason}）</translation>
    </message>
    <message>
        <source>{path} holds a {type}, not a state_dict of tensors</source>
        <translation>{path} 中是 {type}，而不是由张量组成的 state_dict</translation>
    </message>
</context>
</TS>
