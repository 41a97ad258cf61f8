<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
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
    <name>cli</name>
    <message>
        <source>train a toy network headless (gradviz train --help lists the options)</source>
        <translation>在无界面模式下训练一个小网络（gradviz train --help 列出全部选项）</translation>
    </message>
    <message>
        <source>SOURCE is one of:
  lesson:NAME          a built-in lesson (see `gradviz lessons`)
  PROGRAM.txt|.py      a program in gradviz&apos;s expression language
  FILE.gradviz-rec     a recording saved by gradviz.record() (nothing runs)
  path.py:ClassName    an nn.Module class (runs that file&apos;s code), with --init and --input
                       (Python argument lists, with the file&apos;s own names in scope) and --root
With no subcommand, gradviz opens the app (on SOURCE if given, else the logistic lesson).
</source>
        <translation>SOURCE 可以是：
  lesson:NAME          一节内置课程（见 `gradviz lessons`）
  PROGRAM.txt|.py      用 gradviz 表达式语言写的程序
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
</TS>
