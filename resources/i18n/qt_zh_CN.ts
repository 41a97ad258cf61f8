<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>actions</name>
    <message>
        <source>Mouse wheel on the graph</source>
        <extracomment>Canvas gestures that are not actions, for the shortcuts dialog.</extracomment>
        <translation>在计算图上滚动鼠标滚轮</translation>
    </message>
    <message>
        <source>Zoom around the cursor</source>
        <translation>以光标为中心缩放</translation>
    </message>
    <message>
        <source>Drag on the graph</source>
        <translation>在计算图上拖动</translation>
    </message>
    <message>
        <source>Pan</source>
        <translation>平移</translation>
    </message>
    <message>
        <source>Click a node</source>
        <translation>单击节点</translation>
    </message>
    <message>
        <source>Inspect it (value, gradient, saved tensors)</source>
        <translation>查看它（值、梯度、保存的张量）</translation>
    </message>
    <message>
        <source>Hover a node</source>
        <translation>鼠标悬停在节点上</translation>
    </message>
    <message>
        <source>Short summary</source>
        <translation>简要信息</translation>
    </message>
    <message>
        <source>Click in the overview</source>
        <translation>单击缩略图</translation>
    </message>
    <message>
        <source>Move the view there</source>
        <translation>把视图移到那里</translation>
    </message>
    <message>
        <source>Right-click a node</source>
        <translation>右键单击节点</translation>
    </message>
    <message>
        <source>Node commands: Show Gradient at it</source>
        <translation>节点命令：显示该处的梯度</translation>
    </message>
    <message>
        <source>Click or drag on the step timeline</source>
        <translation>在步骤时间轴上单击或拖动</translation>
    </message>
    <message>
        <source>Jump to that step</source>
        <translation>跳到那一步</translation>
    </message>
    <message>
        <source>&amp;Fit Graph</source>
        <translation>适应窗口(&amp;F)</translation>
    </message>
    <message>
        <source>Zoom so the whole graph is visible</source>
        <translation>缩放到能看到整个计算图</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Zoom &amp;100 %</source>
        <translation>缩放到 100 %(&amp;1)</translation>
    </message>
    <message>
        <source>Zoom to 100 % (one point per pixel)</source>
        <translation>缩放到 100 %（一个点对应一个像素）</translation>
    </message>
    <message>
        <source>&amp;Bigger Font</source>
        <translation>增大字号(&amp;B)</translation>
    </message>
    <message>
        <source>Bigger text in the editor and panels</source>
        <translation>增大编辑器和各面板的文字</translation>
    </message>
    <message>
        <source>&amp;Smaller Font</source>
        <translation>减小字号(&amp;S)</translation>
    </message>
    <message>
        <source>Smaller text in the editor and panels</source>
        <translation>减小编辑器和各面板的文字</translation>
    </message>
    <message>
        <source>&amp;Dark Theme</source>
        <translation>深色主题(&amp;D)</translation>
    </message>
    <message>
        <source>Switch between the light and dark look</source>
        <translation>在浅色和深色外观之间切换</translation>
    </message>
    <message>
        <source>Show &amp;Legend</source>
        <translation>显示图例(&amp;L)</translation>
    </message>
    <message>
        <source>Show the node colour legend on the canvas</source>
        <translation>在画布上显示节点颜色图例</translation>
    </message>
    <message>
        <source>Show &amp;Overview</source>
        <translation>显示缩略图(&amp;O)</translation>
    </message>
    <message>
        <source>Show the overview map when the graph is bigger than the view</source>
        <translation>计算图大于视图时显示缩略图</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>List every keyboard shortcut</source>
        <translation>列出所有键盘快捷键</translation>
    </message>
    <message>
        <source>&amp;About gradviz</source>
        <translation>关于 gradviz(&amp;A)</translation>
    </message>
    <message>
        <source>About gradviz</source>
        <translation>关于 gradviz</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>Show gradviz in this language (the window is made again; the program stays)</source>
        <translation>用这种语言显示 gradviz（窗口会重新创建，程序保留）</translation>
    </message>
    <message>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Run (in the editor)</source>
        <translation>运行（在编辑器中）</translation>
    </message>
    <message>
        <source>Run the program from the editor</source>
        <translation>运行编辑器中的程序</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>What it does</source>
        <translation>作用</translation>
    </message>
</context>
<context>
    <name>animation_export</name>
    <message>
        <source>could not write {path}</source>
        <extracomment>Longest side of a PNG frame, in pixels; small graphs are drawn at up to ``MAX_SCALE``. GIF frames are smaller: every frame is kept in memory until the file is written.</extracomment>
        <translation>无法写入 {path}</translation>
    </message>
    <message>
        <source>Pillow is not installed, so no GIF was written (the PNG frames were).</source>
        <translation>没有安装 Pillow，因此没有生成 GIF（PNG 帧已写出）。</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>See PyTorch&apos;s autograd graph: open a lesson, a program file or a module.</source>
        <translation>查看 PyTorch 的 autograd 计算图：打开课程、程序文件或模块。</translation>
    </message>
    <message>
        <source>lesson:NAME, a program file, or path/to/model.py:ClassName (asks before running that file); default: the last lesson, else logistic</source>
        <translation>lesson:课程名、程序文件，或 path/to/model.py:类名（运行该文件前会先询问）；默认：上次的课程，否则为 logistic</translation>
    </message>
    <message>
        <source>light or dark (default: the saved choice)</source>
        <translation>light（浅色）或 dark（深色）（默认：已保存的选择）</translation>
    </message>
    <message>
        <source>an ini file to keep the settings in</source>
        <translation>保存设置的 ini 文件</translation>
    </message>
    <message>
        <source>system, en or zh_CN (default: the saved choice, else the system&apos;s)</source>
        <translation>system、en 或 zh_CN（默认：已保存的选择，否则跟随系统）</translation>
    </message>
</context>
<context>
    <name>big_graphs</name>
    <message>
        <source>Provisional layout — refining…</source>
        <extracomment>Layouts with more boxes than this are previewed while their items are made (a few event-loop turns for 600 nodes and their edges, more on a busy machine; less would only flicker).</extracomment>
        <translation>临时布局——正在细化…</translation>
    </message>
    <message>
        <source>Laid out — making the boxes clickable…</source>
        <translation>已完成布局——正在让方框可以点击…</translation>
    </message>
    <message>
        <source>Some values here feed ops far apart along a long chain: Graphviz would need minutes to route those edges, so gradviz laid the graph out itself, with straight edges.</source>
        <translation>这里有些值被长链上相距很远的运算使用：Graphviz 需要几分钟才能为这些边布线，所以 gradviz 自己用直线边完成了布局。</translation>
    </message>
    <message>
        <source>The program made no graph.</source>
        <translation>程序没有生成计算图。</translation>
    </message>
    <message>
        <source>Expand All</source>
        <translation>全部展开</translation>
    </message>
    <message>
        <source>This graph has {n_nodes:,} nodes, more than the collapse threshold ({threshold:,}): its modules open collapsed, {boxes:,} boxes in all. Double-click a module to open it.</source>
        <translation>这个计算图有 {n_nodes:,} 个节点，超过了折叠阈值（{threshold:,}）：它的模块以折叠状态打开，共 {boxes:,} 个方框。双击模块可以展开。</translation>
    </message>
    <message>
        <source>Collapse threshold</source>
        <translation>折叠阈值</translation>
    </message>
    <message>
        <source>Graphs with more nodes than this open with their modules collapsed:</source>
        <translation>节点数超过此值的计算图，打开时折叠其模块：</translation>
    </message>
    <message>
        <source>&amp;Find Node…</source>
        <translation>查找节点(&amp;F)…</translation>
    </message>
    <message>
        <source>Find nodes by op or label</source>
        <translation>按运算或名称查找节点</translation>
    </message>
    <message>
        <source>Find &amp;Next</source>
        <translation>查找下一个(&amp;N)</translation>
    </message>
    <message>
        <source>Go to the next node found</source>
        <translation>转到下一个找到的节点</translation>
    </message>
    <message>
        <source>Find Pre&amp;vious</source>
        <translation>查找上一个(&amp;V)</translation>
    </message>
    <message>
        <source>Go to the previous node found</source>
        <translation>转到上一个找到的节点</translation>
    </message>
    <message>
        <source>&amp;Collapse All Modules</source>
        <translation>折叠所有模块(&amp;C)</translation>
    </message>
    <message>
        <source>Draw every top-level module as one box</source>
        <translation>把每个顶层模块画成一个方框</translation>
    </message>
    <message>
        <source>E&amp;xpand All Modules</source>
        <translation>展开所有模块(&amp;X)</translation>
    </message>
    <message>
        <source>Draw every node of every module</source>
        <translation>画出每个模块的每个节点</translation>
    </message>
    <message>
        <source>Collapse &amp;Threshold…</source>
        <translation>折叠阈值(&amp;T)…</translation>
    </message>
    <message>
        <source>Node count above which graphs open with their modules collapsed</source>
        <translation>节点数超过该值时，计算图打开时折叠其模块</translation>
    </message>
</context>
<context>
    <name>chain_panel</name>
    <message>
        <source>Step through the program with the player under the graph (Space plays, → steps) to see each node&apos;s step here: the forward value it computes, or the chain rule its gradient goes through, with the numbers.</source>
        <translation>用计算图下方的播放器逐步执行程序（空格键播放，→ 前进一步），这里会显示每个节点的这一步：它在前向传播中计算的值，或者它的梯度经过的链式法则，并代入具体数字。</translation>
    </message>
    <message>
        <source>Element:</source>
        <translation>元素：</translation>
    </message>
    <message>
        <source>Which element of the gradients the numbers are worked out for</source>
        <translation>代入数字计算的是梯度的哪个元素</translation>
    </message>
    <message>
        <source>Index along dimension {d} (size {size})</source>
        <translation>第 {d} 维的下标（大小 {size}）</translation>
    </message>
    <message>
        <source>Element index, dimension {d}</source>
        <translation>元素下标，第 {d} 维</translation>
    </message>
</context>
<context>
    <name>classroom</name>
    <message>
        <source>gradviz lessons (*{suffix})</source>
        <translation>gradviz 课程 (*{suffix})</translation>
    </message>
    <message>
        <source>Open &amp;Lesson File…</source>
        <translation>打开课程文件(&amp;L)…</translation>
    </message>
    <message>
        <source>Open a {suffix} lesson file (it runs only gradviz&apos;s safe language)</source>
        <translation>打开 {suffix} 课程文件（只运行 gradviz 的安全语言）</translation>
    </message>
    <message>
        <source>Save as Lesson &amp;File…</source>
        <translation>另存为课程文件(&amp;F)…</translation>
    </message>
    <message>
        <source>Save the program, the lesson text, the step and the view as a {suffix} file</source>
        <translation>把程序、课程说明、当前步骤和视图保存为 {suffix} 文件</translation>
    </message>
    <message>
        <source>&amp;Edit Value of Selected Tensor…</source>
        <translation>编辑所选张量的值(&amp;E)…</translation>
    </message>
    <message>
        <source>Change a leaf or constant&apos;s value (a slider for numbers) and see every value and gradient update</source>
        <translation>修改叶子节点或常量的值（数字用滑块），看每个值和梯度随之更新</translation>
    </message>
    <message>
        <source>&amp;Gradient Check…</source>
        <translation>梯度检验(&amp;G)…</translation>
    </message>
    <message>
        <source>Compare every leaf&apos;s gradient with a central-difference estimate</source>
        <translation>把每个叶子节点的梯度与中心差分估计进行比较</translation>
    </message>
    <message>
        <source>&amp;Why Is My Grad None?…</source>
        <translation>为什么我的 grad 是 None？(&amp;W)…</translation>
    </message>
    <message>
        <source>Explain why a tensor&apos;s .grad is None, pointing at the line</source>
        <translation>解释张量的 .grad 为什么是 None，并指出是哪一行</translation>
    </message>
    <message>
        <source>&amp;Presentation Mode</source>
        <translation>演示模式(&amp;P)</translation>
    </message>
    <message>
        <source>Large fonts, thick lines, only the canvas and the player (F11 or Esc to leave)</source>
        <translation>大字号、粗线条，只显示画布和播放器（按 F11 或 Esc 退出）</translation>
    </message>
    <message>
        <source>Open lesson file</source>
        <translation>打开课程文件</translation>
    </message>
    <message>
        <source>Cannot open the lesson file: {exc}</source>
        <translation>无法打开课程文件：{exc}</translation>
    </message>
    <message>
        <source>opening the lesson “{title}”</source>
        <translation>打开课程“{title}”</translation>
    </message>
    <message>
        <source>My lesson</source>
        <translation>我的课程</translation>
    </message>
    <message>
        <source>Save lesson file</source>
        <translation>保存课程文件</translation>
    </message>
    <message>
        <source>Cannot save the lesson file: {exc}</source>
        <translation>无法保存课程文件：{exc}</translation>
    </message>
    <message>
        <source>Saved the lesson as {saved}</source>
        <translation>课程已保存为 {saved}</translation>
    </message>
    <message>
        <source>Select a leaf or constant that the program names (w1, x1, …): its value can be edited.</source>
        <translation>请选择程序中有名字的叶子节点或常量（w1、x1……）：它的值可以编辑。</translation>
    </message>
</context>
<context>
    <name>compare</name>
    <message>
        <source>Step {which}: {gesture} the loss curve to pick it</source>
        <translation>第 {which} 步：{gesture}损失曲线来选择它</translation>
    </message>
    <message>
        <source>Step {which}</source>
        <translation>第 {which} 步</translation>
    </message>
    <message>
        <source>Gradient norms at step</source>
        <translation>梯度范数：第</translation>
    </message>
    <message>
        <source>and step</source>
        <translation>步与第</translation>
    </message>
    <message>
        <source>parameter</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>‖∇‖ at A</source>
        <translation>A 处的 ‖∇‖</translation>
    </message>
    <message>
        <source>‖∇‖ at B</source>
        <translation>B 处的 ‖∇‖</translation>
    </message>
</context>
<context>
    <name>console</name>
    <message>
        <source>Console</source>
        <extracomment>Blocks kept (older runs scroll away).</extracomment>
        <translation>控制台</translation>
    </message>
    <message>
        <source>What the program prints, and the value of a bare last line, appear here.</source>
        <translation>程序 print 的内容，以及最后一行单独表达式的值，会显示在这里。</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Clear the console</source>
        <translation>清除控制台</translation>
    </message>
    <message>
        <source>run {runs} · {title}</source>
        <translation>第 {runs} 次运行 · {title}</translation>
    </message>
    <message>
        <source>run {runs}: nothing printed</source>
        <translation>第 {runs} 次运行：没有输出</translation>
    </message>
    <message>
        <source>run {runs}: {n} printed, a value shown</source>
        <translation>第 {runs} 次运行：输出 {n} 行，显示了一个值</translation>
    </message>
    <message>
        <source>run {runs}: {n} printed</source>
        <translation>第 {runs} 次运行：输出 {n} 行</translation>
    </message>
    <message>
        <source>run {runs} failed</source>
        <translation>第 {runs} 次运行失败</translation>
    </message>
</context>
<context>
    <name>controller</name>
    <message>
        <source>Running the program</source>
        <extracomment>What a run is doing, as told to the status bar.</extracomment>
        <translation>正在运行程序</translation>
    </message>
    <message>
        <source>Laying out the graph</source>
        <translation>正在布局计算图</translation>
    </message>
    <message>
        <source>Refining the layout</source>
        <translation>正在细化布局</translation>
    </message>
    <message>
        <source>Drawing the graph</source>
        <translation>正在绘制计算图</translation>
    </message>
</context>
<context>
    <name>data_plot</name>
    <message>
        <source>Choose a dataset to see it here.</source>
        <extracomment>Okabe-Ito hues, one per class (more classes than this repeat them); the dark theme takes the lighter hues first, as its deep blue vanished against the dark background.</extracomment>
        <translation>选择一个数据集，它会显示在这里。</translation>
    </message>
    <message>
        <source>The {name!r} samples are {shape} values each: there is no flat picture of them. Follow the loss and accuracy on the left.</source>
        <translation>{name!r} 的每个样本有 {shape} 个值：无法画成平面图。请看左边的损失和准确率。</translation>
    </message>
    <message>
        <source>The model cannot be drawn here: {value}</source>
        <translation>这里无法画出模型：{value}</translation>
    </message>
    <message>
        <source>The model cannot be drawn here: {exc}</source>
        <translation>这里无法画出模型：{exc}</translation>
    </message>
    <message>
        <source>Predictions:</source>
        <translation>预测：</translation>
    </message>
    <message>
        <source>train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Decision boundary:</source>
        <translation>决策边界：</translation>
    </message>
    <message>
        <source>class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>boundary</source>
        <translation>边界</translation>
    </message>
</context>
<context>
    <name>feature</name>
    <message>
        <source>&amp;Run</source>
        <extracomment>The GIL switch interval while a run is on its worker (see the module docstring).</extracomment>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <source>Run the program and draw its graph</source>
        <translation>运行程序并画出它的计算图</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>取消(&amp;C)</translation>
    </message>
    <message>
        <source>Stop the running program, keep the previous graph</source>
        <translation>停止正在运行的程序，保留之前的计算图</translation>
    </message>
</context>
<context>
    <name>find_bar</name>
    <message>
        <source>Find op or label</source>
        <translation>查找运算或名称</translation>
    </message>
    <message>
        <source>Find node</source>
        <translation>查找节点</translation>
    </message>
    <message>
        <source>Previous match (Shift+Enter, Shift+F3)</source>
        <translation>上一个匹配（Shift+Enter，Shift+F3）</translation>
    </message>
    <message>
        <source>Next match (Enter, F3)</source>
        <translation>下一个匹配（Enter，F3）</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>关闭（Esc）</translation>
    </message>
    <message>
        <source>no match</source>
        <translation>没有匹配</translation>
    </message>
    <message>
        <source>{count} found</source>
        <translation>找到 {count} 个</translation>
    </message>
    <message>
        <source>{index} of {count}</source>
        <translation>第 {index} 个，共 {count} 个</translation>
    </message>
</context>
<context>
    <name>gradcheck_dialog</name>
    <message>
        <source>leaf</source>
        <translation>叶子节点</translation>
    </message>
    <message>
        <source>shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>elements checked</source>
        <translation>检验的元素</translation>
    </message>
    <message>
        <source>central difference</source>
        <translation>中心差分</translation>
    </message>
    <message>
        <source>max abs error</source>
        <translation>最大绝对误差</translation>
    </message>
    <message>
        <source>max rel error</source>
        <translation>最大相对误差</translation>
    </message>
    <message>
        <source>Gradient check</source>
        <translation>梯度检验</translation>
    </message>
    <message>
        <source>Comparing autograd&apos;s gradients with central differences in float64…</source>
        <translation>正在用 float64 把 autograd 的梯度与中心差分进行比较…</translation>
    </message>
    <message>
        <source>Checking again {edited}…</source>
        <translation>正在重新检验：{edited}…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>The gradient check could not run the program: {error}</source>
        <translation>梯度检验无法运行程序：{error}</translation>
    </message>
    <message>
        <source> Checked {edited}.</source>
        <translation> 检验的是：{edited}。</translation>
    </message>
    <message>
        <source>Each leaf&apos;s gradient from autograd, against (f(x+ε) − f(x−ε)) / 2ε in float64, for up to 8 elements per leaf (the worst is shown).{edited}</source>
        <translation>每个叶子节点由 autograd 算出的梯度，与 float64 下的 (f(x+ε) − f(x−ε)) / 2ε 比较，每个叶子节点最多检验 8 个元素（显示误差最大的）。{edited}</translation>
    </message>
    <message>
        <source>{checked} of {total:,}</source>
        <translation>{checked} / {total:,}</translation>
    </message>
    <message>
        <source>✓ pass</source>
        <translation>✓ 通过</translation>
    </message>
    <message>
        <source>✗ FAIL</source>
        <translation>✗ 不一致</translation>
    </message>
    <message>
        <source>All gradients agree.</source>
        <translation>所有梯度都一致。</translation>
    </message>
    <message>
        <source>Some gradients DISAGREE with the numeric estimate.</source>
        <translation>有些梯度与数值估计【不一致】。</translation>
    </message>
    <message>
        <source>the program as written</source>
        <translation>按程序原样</translation>
    </message>
    <message>
        <source>with {values} (edited)</source>
        <translation>使用 {values}（已编辑）</translation>
    </message>
</context>
<context>
    <name>graph</name>
    <message>
        <source>No batch has run yet: press Step (F10) or Start first.</source>
        <translation>还没有运行过任何批次：请先按“单步”（F10）或“开始”。</translation>
    </message>
    <message>
        <source>The graph of training step {step} (epoch {epoch}, batch {batch}): the batch through the model and the {loss} loss, with the weights after that step. Run (Ctrl+Enter) shows the program&apos;s graph again.</source>
        <translation>第 {step} 个训练步的计算图（第 {epoch} 轮，第 {batch} 批）：这一批数据经过模型和 {loss} 损失函数，使用该步之后的权重。按“运行”（Ctrl+Enter）会重新显示程序的计算图。</translation>
    </message>
    <message>
        <source>The graph of training step {step} (epoch {epoch}, batch {batch}): its batch through the model with the weights it was computed with, so its loss is the point clicked ({loss:.4g}). Run (Ctrl+Enter) shows the program&apos;s graph again.</source>
        <translation>第 {step} 个训练步的计算图（第 {epoch} 轮，第 {batch} 批）：这一批数据经过模型，使用当时计算它所用的权重，因此它的损失就是所点的那个点（{loss:.4g}）。按“运行”（Ctrl+Enter）会重新显示程序的计算图。</translation>
    </message>
    <message>
        <source>training step {step}</source>
        <translation>第 {step} 个训练步</translation>
    </message>
    <message>
        <source>the run sent no graph</source>
        <translation>运行没有返回计算图</translation>
    </message>
    <message>
        <source>Cannot show the graph of this step: {reason}</source>
        <translation>无法显示这一步的计算图：{reason}</translation>
    </message>
    <message>
        <source>Cannot show the graph of this step: {exc}</source>
        <translation>无法显示这一步的计算图：{exc}</translation>
    </message>
</context>
<context>
    <name>graph_items</name>
    <message>
        <source>module {path}</source>
        <extracomment>Ways the player can mark a node or an edge; None is the plain look. A collapsed module&apos;s box (role &quot;module&quot;): fill, border, border width. Lavender, as in the DOT palette, and apart from every node kind&apos;s hue; black / white text reads on both.</extracomment>
        <translation>模块 {path}</translation>
    </message>
</context>
<context>
    <name>graph_overlays</name>
    <message>
        <source>leaf / parameter</source>
        <extracomment>Legend rows: colour key, text.</extracomment>
        <translation>叶子节点 / 参数</translation>
    </message>
    <message>
        <source>constant (no grad)</source>
        <translation>常量（无梯度）</translation>
    </message>
    <message>
        <source>op (autograd node)</source>
        <translation>运算（autograd 节点）</translation>
    </message>
    <message>
        <source>root (loss)</source>
        <translation>根（损失）</translation>
    </message>
    <message>
        <source>dashed: made inside a composite op</source>
        <extracomment>Added when the graph has nodes made inside a composite op (F.linear&apos;s TBackward0).</extracomment>
        <translation>虚线：在复合运算内部产生</translation>
    </message>
    <message>
        <source>current step</source>
        <extracomment>Added while the step-through player is on a step: what its marks mean.</extracomment>
        <translation>当前步骤</translation>
    </message>
    <message>
        <source>gradient passing</source>
        <translation>梯度正在传递</translation>
    </message>
    <message>
        <source>not reached yet</source>
        <translation>尚未到达</translation>
    </message>
    <message>
        <source>Overview: click or drag to move the view</source>
        <translation>缩略图：单击或拖动来移动视图</translation>
    </message>
    <message>
        <source>What the node colours mean</source>
        <translation>节点颜色的含义</translation>
    </message>
    <message>
        <source>Legend: {entries}</source>
        <translation>图例：{entries}</translation>
    </message>
</context>
<context>
    <name>graph_preview</name>
    <message>
        <source>Graph preview</source>
        <extracomment>Text is drawn from this zoom on (as on the canvas), for at most this many boxes a paint.</extracomment>
        <translation>计算图预览</translation>
    </message>
</context>
<context>
    <name>graph_view</name>
    <message>
        <source>Graph canvas</source>
        <extracomment>Fit never blows a tiny graph up past this: huge boxes read worse than a margin. Below this zoom no text is drawn, so a big graph is drawn as a batched sketch instead. Graphs with at most this many nodes are always drawn item by item (cheap enough).</extracomment>
        <translation>计算图画布</translation>
    </message>
</context>
<context>
    <name>health</name>
    <message>
        <source>{mark} born here</source>
        <extracomment>What each mark says on its box.</extracomment>
        <translation>{mark} 在这里产生</translation>
    </message>
    <message>
        <source>Gradient health: each box and edge coloured by the size of its gradient (root mean square), on a log scale</source>
        <translation>梯度健康度：每个方框和每条边按其梯度大小（均方根）着色，采用对数刻度</translation>
    </message>
    <message>
        <source>0 (exactly zero)</source>
        <translation>0（恰好为零）</translation>
    </message>
    <message>
        <source>|gradient|: no gradients · NaN · Inf · {zero}</source>
        <translation>|梯度|：没有梯度 · NaN · Inf · {zero}</translation>
    </message>
    <message>
        <source>Gradient &amp;Health</source>
        <translation>梯度健康度(&amp;H)</translation>
    </message>
    <message>
        <source>Colour every box and edge by the size of its gradient (log scale); mark NaN, Inf and exact zeros</source>
        <translation>按梯度大小（对数刻度）给每个方框和每条边着色；标出 NaN、Inf 和恰好为零的梯度</translation>
    </message>
</context>
<context>
    <name>host</name>
    <message>
        <source>&amp;File</source>
        <extracomment>Menus by key, in the order they appear in the menu bar.</extracomment>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Lessons</source>
        <translation>课程(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Step</source>
        <translation>单步(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Classroom</source>
        <translation>课堂(&amp;C)</translation>
    </message>
    <message>
        <source>Trai&amp;n</source>
        <translation>训练(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
</context>
<context>
    <name>inspector</name>
    <message>
        <source>Select a node in the graph to inspect it.</source>
        <translation>在计算图中选择一个节点来查看它。</translation>
    </message>
    <message>
        <source>kind</source>
        <extracomment>The fields, with the names shown beside them.</extracomment>
        <translation>类型</translation>
    </message>
    <message>
        <source>op</source>
        <translation>运算</translation>
    </message>
    <message>
        <source>label</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>module</source>
        <translation>模块</translation>
    </message>
    <message>
        <source>tensor</source>
        <translation>张量</translation>
    </message>
    <message>
        <source>line</source>
        <translation>行</translation>
    </message>
    <message>
        <source>leaf</source>
        <extracomment>A node&apos;s kind as the user reads it.</extracomment>
        <translation>叶子节点</translation>
    </message>
    <message>
        <source>constant</source>
        <translation>常量</translation>
    </message>
    <message>
        <source>output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>output {n} of the op feeding it (several outputs of one op share one autograd node), made inside {op}</source>
        <translation>为它提供输入的运算的第 {n} 个输出（同一运算的多个输出共用一个 autograd 节点），在 {op} 内部产生</translation>
    </message>
    <message>
        <source>output {n} of the op feeding it (several outputs of one op share one autograd node)</source>
        <translation>为它提供输入的运算的第 {n} 个输出（同一运算的多个输出共用一个 autograd 节点）</translation>
    </message>
    <message>
        <source>created inside {op}; value not visible to Python</source>
        <translation>在 {op} 内部创建；Python 看不到它的值</translation>
    </message>
    <message>
        <source>created inside {op}</source>
        <translation>在 {op} 内部创建</translation>
    </message>
    <message>
        <source>module: {path}</source>
        <translation>模块：{path}</translation>
    </message>
    <message>
        <source>value: {value}</source>
        <translation>值：{value}</translation>
    </message>
    <message>
        <source>Value (forward)</source>
        <translation>值（前向传播）</translation>
    </message>
    <message>
        <source>Gradient</source>
        <translation>梯度</translation>
    </message>
    <message>
        <source>Saved for backward</source>
        <translation>为反向传播保存的张量</translation>
    </message>
    <message>
        <source>Node {id} is not in this graph.</source>
        <translation>节点 {id} 不在这个计算图中。</translation>
    </message>
    <message>
        <source>Value not recorded.</source>
        <translation>没有记录值。</translation>
    </message>
    <message>
        <source>.grad</source>
        <translation>.grad</translation>
    </message>
    <message>
        <source>Gradient of its output</source>
        <translation>它的输出的梯度</translation>
    </message>
    <message>
        <source>{kind} (root of the backward pass)</source>
        <translation>{kind}（反向传播的起点）</translation>
    </message>
    <message>
        <source>(top level)</source>
        <translation>（顶层）</translation>
    </message>
    <message>
        <source>No gradient: this input does not require grad.</source>
        <translation>没有梯度：这个输入不需要梯度（requires_grad=False）。</translation>
    </message>
    <message>
        <source>No gradient yet: no backward pass has run.</source>
        <translation>还没有梯度：还没有进行反向传播。</translation>
    </message>
    <message>
        <source>No gradient: nothing the last backward pass ran through used this output.</source>
        <translation>没有梯度：最近一次反向传播经过的节点都没有用到这个输出。</translation>
    </message>
    <message>
        <source>Not reached by the last backward pass.</source>
        <translation>最近一次反向传播没有到达这里。</translation>
    </message>
    <message>
        <source>.grad is None: the last backward pass did not reach this leaf.</source>
        <translation>.grad 是 None：最近一次反向传播没有到达这个叶子节点。</translation>
    </message>
    <message>
        <source>No gradient recorded for this node.</source>
        <translation>这个节点没有记录梯度。</translation>
    </message>
    <message>
        <source>nothing saved for backward</source>
        <translation>没有为反向传播保存任何张量</translation>
    </message>
    <message>
        <source>{name}: shape {shape}, {dtype}</source>
        <translation>{name}：形状 {shape}，{dtype}</translation>
    </message>
</context>
<context>
    <name>lecture_strip</name>
    <message>
        <source>→ steps through the program: each step&apos;s chain rule, with its numbers, appears here.</source>
        <extracomment>The strip&apos;s text is this share of the window&apos;s height (30 px at 1080, 22 px at 768) ... ... and never smaller than this many pixels. The strip takes at most this share of the window&apos;s height; longer steps scroll (up and down, never sideways) so the graph keeps most of the screen. Room kept for this many lines of text, so the canvas does not jump from step to step. What the strip leaves out of a backward step: the rule in words and the shapes (the dock has them).</extracomment>
        <translation>按 → 逐步执行程序：每一步的链式法则及其数字会显示在这里。</translation>
    </message>
    <message>
        <source>backward of {code}</source>
        <translation>反向传播：{code}</translation>
    </message>
</context>
<context>
    <name>lesson_panel</name>
    <message>
        <source>Lesson: {title}</source>
        <translation>课程：{title}</translation>
    </message>
</context>
<context>
    <name>look</name>
    <message>
        <source>&amp;Beginner Labels</source>
        <translation>初学者标签(&amp;B)</translation>
    </message>
    <message>
        <source>Write the boxes as a first lesson would (×, +, σ, names and data); off: PyTorch&apos;s class names (MulBackward0)</source>
        <translation>像入门课那样标注方框（×、+、σ、名称和数据）；关闭时显示 PyTorch 的类名（MulBackward0）</translation>
    </message>
</context>
<context>
    <name>loss_plot</name>
    <message>
        <source>Hover over the plot to read the values; click a point to see that step&apos;s graph
(Shift+click: compare its gradients).</source>
        <extracomment>Background, foreground and curve colours per theme (Okabe-Ito hues; batch loss is a pale companion of the train colour so the epoch curves stand out on a projector).</extracomment>
        <translation>把鼠标移到图上可以读数；单击一个点可以查看那一步的计算图
（Shift+单击：比较它们的梯度）。</translation>
    </message>
    <message>
        <source>&amp;Log scale</source>
        <translation>对数刻度(&amp;L)</translation>
    </message>
    <message>
        <source>Show the loss on a logarithmic axis: small late losses become readable</source>
        <translation>用对数坐标轴显示损失：后期很小的损失也能看清</translation>
    </message>
    <message>
        <source>Step {step} · epoch {epoch}, batch {batch} · batch loss {loss:.4g}</source>
        <translation>第 {step} 步 · 第 {epoch} 轮，第 {batch} 批 · 批次损失 {loss:.4g}</translation>
    </message>
    <message>
        <source>Epoch {epoch} (train / test): loss {train:.3g} / {test:.3g}</source>
        <translation>第 {epoch} 轮（训练 / 测试）：损失 {train:.3g} / {test:.3g}</translation>
    </message>
    <message>
        <source>Epoch {epoch}: loss {train:.3g}</source>
        <translation>第 {epoch} 轮：损失 {train:.3g}</translation>
    </message>
    <message>
        <source>, accuracy {accuracy}</source>
        <translation>，准确率 {accuracy}</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>step (one batch each)</source>
        <translation>步（每步一个批次）</translation>
    </message>
    <message>
        <source>batch loss</source>
        <translation>批次损失</translation>
    </message>
    <message>
        <source>train (epoch mean)</source>
        <translation>训练（每轮平均）</translation>
    </message>
    <message>
        <source>test</source>
        <translation>测试</translation>
    </message>
</context>
<context>
    <name>main_window</name>
    <message>
        <source>Inspector</source>
        <extracomment>Points the legend grows by in presentation mode.</extracomment>
        <translation>检查器</translation>
    </message>
    <message>
        <source>Zoom (Ctrl+= in, Ctrl+- out, Ctrl+0 100 %, F fit)</source>
        <translation>缩放（Ctrl+= 放大，Ctrl+- 缩小，Ctrl+0 为 100 %，F 适应窗口）</translation>
    </message>
    <message>
        <source>{n_nodes} nodes · {n_edges} edges</source>
        <translation>{n_nodes} 个节点 · {n_edges} 条边</translation>
    </message>
    <message>
        <source>no graph</source>
        <translation>没有计算图</translation>
    </message>
    <message>
        <source>About gradviz</source>
        <translation>关于 gradviz</translation>
    </message>
    <message>
        <source>quitting</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>message_bar</name>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Dismiss message</source>
        <translation>关闭消息</translation>
    </message>
    <message>
        <source>{word}:</source>
        <translation>{word}：</translation>
    </message>
    <message>
        <source>{word}: {text}</source>
        <translation>{word}：{text}</translation>
    </message>
    <message>
        <source>Go to line {line}</source>
        <translation>转到第 {line} 行</translation>
    </message>
</context>
<context>
    <name>module_canvas</name>
    <message>
        <source>… and {n} more</source>
        <translation>……还有 {n} 个</translation>
    </message>
    <message>
        <source>{n} nodes inside</source>
        <translation>内部有 {n} 个节点</translation>
    </message>
    <message>
        <source>collapsed module</source>
        <translation>折叠的模块</translation>
    </message>
    <message>
        <source>Double-click its box to expand it.</source>
        <translation>双击它的方框可以展开。</translation>
    </message>
    <message>
        <source>Expand {title}</source>
        <translation>展开 {title}</translation>
    </message>
    <message>
        <source>Collapse {title}</source>
        <translation>折叠 {title}</translation>
    </message>
    <message>
        <source>Draw this group as one box (double-click the box to expand it)</source>
        <translation>把这一组画成一个方框（双击方框可以展开）</translation>
    </message>
</context>
<context>
    <name>module_dialog</name>
    <message>
        <source>every output (a loss among them is where backward starts)</source>
        <extracomment>The root box&apos;s offers: the default first, then the usual paths into a forward&apos;s output.</extracomment>
        <translation>所有输出（其中的损失是反向传播的起点）</translation>
    </message>
    <message>
        <source>Loading a module runs this file&apos;s Python code (its imports and everything at its top level), with your permissions. Only load files you trust.</source>
        <translation>加载模块会以你的权限运行这个文件的 Python 代码（它的 import 和顶层的所有代码）。只加载你信任的文件。</translation>
    </message>
    <message>
        <source>Open a PyTorch module</source>
        <translation>打开 PyTorch 模块</translation>
    </message>
    <message>
        <source>path/to/model.py</source>
        <translation>path/to/model.py</translation>
    </message>
    <message>
        <source>The Python file that defines the module class</source>
        <translation>定义该模块类的 Python 文件</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Choose the Python file</source>
        <translation>选择 Python 文件</translation>
    </message>
    <message>
        <source>nn.Module subclasses found in the file (read, not run)</source>
        <translation>文件中找到的 nn.Module 子类（只读取，不运行）</translation>
    </message>
    <message>
        <source>e.g. 50, 3   or   GPTConfig(n_layer=2), dropout=0.1</source>
        <translation>例如 50, 3   或   GPTConfig(n_layer=2), dropout=0.1</translation>
    </message>
    <message>
        <source>The constructor&apos;s arguments, as between the brackets of a call: Python, with the file&apos;s own names in scope (its config classes, constants, functions)</source>
        <translation>构造函数的参数，按调用时括号里的写法：Python 代码，可以使用文件自己的名字（它的配置类、常量、函数）</translation>
    </message>
    <message>
        <source>e.g. torch.rand(1, 50)   or   idx, targets=targets; empty: guessed</source>
        <translation>例如 torch.rand(1, 50)   或   idx, targets=targets；留空：自动推测</translation>
    </message>
    <message>
        <source>The forward&apos;s arguments, as between the brackets of a call: several positional and keyword arguments, Python with the file&apos;s own names in scope. Empty: a random input sized by the first Linear or Conv2d layer</source>
        <translation>forward 的参数，按调用时括号里的写法：可以有多个位置参数和关键字参数，Python 代码，可以使用文件自己的名字。留空：按第一个 Linear 或 Conv2d 层的大小生成随机输入</translation>
    </message>
    <message>
        <source>What to draw as the graph&apos;s root. By default every tensor the forward returns (a tuple, dict or model output) is drawn side by side and a scalar among them (a loss) is where backward starts; or name one: out[0], out[&apos;logits&apos;], out.loss</source>
        <translation>把什么画成计算图的根。默认把 forward 返回的每个张量（元组、字典或模型输出）并排画出，其中的标量（损失）是反向传播的起点；也可以指定一个：out[0]、out[&apos;logits&apos;]、out.loss</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>类</translation>
    </message>
    <message>
        <source>Init args</source>
        <translation>构造参数</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Root</source>
        <translation>根</translation>
    </message>
    <message>
        <source>Init and Input are written as between a call&apos;s brackets and run as Python with the file&apos;s own names in scope (its configs, constants, helpers).</source>
        <translation>构造参数和输入按调用时括号里的写法填写，作为 Python 代码运行，可以使用文件自己的名字（它的配置、常量、辅助函数）。</translation>
    </message>
    <message>
        <source>Load and run the file</source>
        <translation>加载并运行文件</translation>
    </message>
    <message>
        <source>Python file with a module</source>
        <translation>包含模块的 Python 文件</translation>
    </message>
    <message>
        <source>Python files (*.py);;All files (*)</source>
        <translation>Python 文件 (*.py);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>player</name>
    <message>
        <source>Before the first step · {count} steps</source>
        <translation>第一步之前 · 共 {count} 步</translation>
    </message>
    <message>
        <source>No steps: the program made no graph</source>
        <translation>没有步骤：程序没有生成计算图</translation>
    </message>
    <message>
        <source>No steps: run a program</source>
        <translation>没有步骤：请运行一个程序</translation>
    </message>
    <message>
        <source>backward #{n}</source>
        <translation>第 {n} 次反向传播</translation>
    </message>
    <message>
        <source>forward</source>
        <translation>前向传播</translation>
    </message>
    <message>
        <source>Step {n} of {count} · {phase} · {what}</source>
        <translation>第 {n} 步，共 {count} 步 · {phase} · {what}</translation>
    </message>
    <message>
        <source>&amp;Play</source>
        <translation>播放(&amp;P)</translation>
    </message>
    <message>
        <source>Play the steps one after the other, or pause</source>
        <translation>逐步连续播放，或暂停</translation>
    </message>
    <message>
        <source>Step &amp;Back</source>
        <translation>后退一步(&amp;B)</translation>
    </message>
    <message>
        <source>Go back one step</source>
        <translation>后退一步</translation>
    </message>
    <message>
        <source>Step &amp;Forward</source>
        <translation>前进一步(&amp;F)</translation>
    </message>
    <message>
        <source>Go forward one step</source>
        <translation>前进一步</translation>
    </message>
    <message>
        <source>F&amp;irst Step</source>
        <translation>第一步(&amp;I)</translation>
    </message>
    <message>
        <source>Go to the first step</source>
        <translation>转到第一步</translation>
    </message>
    <message>
        <source>&amp;Last Step</source>
        <translation>最后一步(&amp;L)</translation>
    </message>
    <message>
        <source>Go to the last step</source>
        <translation>转到最后一步</translation>
    </message>
    <message>
        <source>Leave &amp;Player</source>
        <translation>退出播放器(&amp;P)</translation>
    </message>
    <message>
        <source>Leave the player: back to the plain graph with its gradients</source>
        <translation>退出播放器：回到带梯度的普通计算图</translation>
    </message>
    <message>
        <source>The current step: its phase and the node it runs</source>
        <translation>当前步骤：所处阶段和执行的节点</translation>
    </message>
    <message>
        <source>Playback speed: {low:g} to {high:g} steps per second</source>
        <translation>播放速度：每秒 {low:g} 到 {high:g} 步</translation>
    </message>
    <message>
        <source>Playback speed</source>
        <translation>播放速度</translation>
    </message>
    <message>
        <source>Steps per second while playing</source>
        <translation>播放时每秒的步数</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>暂停(&amp;P)</translation>
    </message>
</context>
<context>
    <name>presentation</name>
    <message>
        <source>Presentation mode: ←/→ step, Space plays, F11 or Esc leaves.</source>
        <extracomment>The look a projector shows best: dark text on light fills.</extracomment>
        <translation>演示模式：←/→ 单步，空格键播放，F11 或 Esc 退出。</translation>
    </message>
</context>
<context>
    <name>program_files</name>
    <message>
        <source>Programs (*.py *.txt *.gradviz-program);;All files (*)</source>
        <translation>程序 (*.py *.txt *.gradviz-program);;所有文件 (*)</translation>
    </message>
    <message>
        <source>SVG picture (*.svg);;PNG image (*.png);;Graphviz DOT (*.dot);;gradviz JSON (*.json)</source>
        <translation>SVG 图形 (*.svg);;PNG 图片 (*.png);;Graphviz DOT (*.dot);;gradviz JSON (*.json)</translation>
    </message>
    <message>
        <source>&amp;Open Program…</source>
        <translation>打开程序(&amp;O)…</translation>
    </message>
    <message>
        <source>Open a program file (.py, .txt, .gradviz-program)</source>
        <translation>打开程序文件（.py、.txt、.gradviz-program）</translation>
    </message>
    <message>
        <source>Open &amp;Module…</source>
        <translation>打开模块(&amp;M)…</translation>
    </message>
    <message>
        <source>Load an nn.Module class from a Python file (runs that file)</source>
        <translation>从 Python 文件加载 nn.Module 类（会运行该文件）</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save the program</source>
        <translation>保存程序</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>Save the program under a new name</source>
        <translation>用新名字保存程序</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <source>Export the graph as SVG, PNG, DOT or JSON</source>
        <translation>把计算图导出为 SVG、PNG、DOT 或 JSON</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Quit gradviz</source>
        <translation>退出 gradviz</translation>
    </message>
    <message>
        <source>&amp;Next Lesson</source>
        <translation>下一课(&amp;N)</translation>
    </message>
    <message>
        <source>Open the next built-in lesson</source>
        <translation>打开下一个内置课程</translation>
    </message>
    <message>
        <source>&amp;Previous Lesson</source>
        <translation>上一课(&amp;P)</translation>
    </message>
    <message>
        <source>Open the previous built-in lesson</source>
        <translation>打开上一个内置课程</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>Open the lesson &apos;{name}&apos;</source>
        <translation>打开课程“{name}”</translation>
    </message>
    <message>
        <source>Choose a built-in lesson (Alt+1 … Alt+0)</source>
        <translation>选择一个内置课程（Alt+1 … Alt+0）</translation>
    </message>
    <message>
        <source>Lesson</source>
        <translation>课程</translation>
    </message>
    <message>
        <source>opening the recording</source>
        <translation>打开记录</translation>
    </message>
    <message>
        <source>Cannot open the lesson file: {exc}</source>
        <translation>无法打开课程文件：{exc}</translation>
    </message>
    <message>
        <source>opening the lesson “{title}”</source>
        <translation>打开课程“{title}”</translation>
    </message>
    <message>
        <source>Open a program</source>
        <translation>打开程序</translation>
    </message>
    <message>
        <source>Cannot open {path}: {reason}</source>
        <translation>无法打开 {path}：{reason}</translation>
    </message>
    <message>
        <source>opening {name}</source>
        <translation>打开 {name}</translation>
    </message>
    <message>
        <source>loading the module</source>
        <translation>加载模块</translation>
    </message>
    <message>
        <source>Loading {name} from {file}…</source>
        <translation>正在从 {file} 加载 {name}…</translation>
    </message>
    <message>
        <source>Open Module</source>
        <translation>打开模块</translation>
    </message>
    <message>
        <source>Loading {spec} was cancelled.</source>
        <translation>已取消加载 {spec}。</translation>
    </message>
    <message>
        <source>Could not load {spec}: {exc}</source>
        <translation>无法加载 {spec}：{exc}</translation>
    </message>
    <message>
        <source>Could not save {path}: {reason}</source>
        <translation>无法保存 {path}：{reason}</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的修改</translation>
    </message>
    <message>
        <source>The program has changes that are not saved. Save them before {doing}?</source>
        <translation>程序有尚未保存的修改。要在{doing}之前保存吗？</translation>
    </message>
    <message>
        <source>Load a module (asks first: it runs the file)</source>
        <translation>加载模块（会先询问：它会运行该文件）</translation>
    </message>
    <message>
        <source>Open this recording (nothing runs)</source>
        <translation>打开这个记录（不运行任何代码）</translation>
    </message>
    <message>
        <source>Open this program</source>
        <translation>打开这个程序</translation>
    </message>
    <message>
        <source>No recent files</source>
        <translation>没有最近打开的文件</translation>
    </message>
    <message>
        <source>Clear the list</source>
        <translation>清空列表</translation>
    </message>
    <message>
        <source>There is no graph to export yet: run a program first.</source>
        <translation>还没有可以导出的计算图：请先运行程序。</translation>
    </message>
    <message>
        <source>Export the graph</source>
        <translation>导出计算图</translation>
    </message>
    <message>
        <source>PNG resolution</source>
        <translation>PNG 分辨率</translation>
    </message>
    <message>
        <source>Scale:</source>
        <translation>缩放：</translation>
    </message>
    <message>
        <source>Export cancelled: no file was written.</source>
        <translation>已取消导出：没有写入文件。</translation>
    </message>
    <message>
        <source>Export failed: {exc}</source>
        <translation>导出失败：{exc}</translation>
    </message>
    <message>
        <source>Exported {written}</source>
        <translation>已导出 {written}</translation>
    </message>
</context>
<context>
    <name>program_panel</name>
    <message>
        <source>Lesson</source>
        <translation>课程</translation>
    </message>
    <message>
        <source>Program</source>
        <translation>程序</translation>
    </message>
    <message>
        <source>Recording: {title}</source>
        <translation>记录：{title}</translation>
    </message>
    <message>
        <source>A graph recorded with gradviz.record() ({nodes} nodes, {passes} backward passes). Its graph, values, gradients, stepping and chain rule are all here; editing values, the gradient check and &quot;why is my grad None?&quot; need the program run again, which a recording cannot do. The text below is the code it was recorded in, read-only.</source>
        <translation>用 gradviz.record() 记录的计算图（{nodes} 个节点，{passes} 次反向传播）。计算图、值、梯度、单步执行和链式法则都在这里；编辑值、梯度检验和“为什么我的 grad 是 None？”需要重新运行程序，而记录做不到。下面是记录时所在的代码，只读。</translation>
    </message>
    <message>
        <source>Module: {name}</source>
        <translation>模块：{name}</translation>
    </message>
    <message>
        <source>{name} from {path}. gradviz ran this file&apos;s Python code to load the class, in a process of its own; the program below builds the model and runs it on an input.</source>
        <translation>{name}，来自 {path}。gradviz 在一个单独的进程中运行了这个文件的 Python 代码来加载这个类；下面的程序构建模型并在一个输入上运行它。</translation>
    </message>
    <message>
        <source>Program: {name}</source>
        <translation>程序：{name}</translation>
    </message>
    <message>
        <source>Your own program</source>
        <translation>你自己的程序</translation>
    </message>
    <message>
        <source>Not a lesson: a program of your own. Run it (Ctrl+Enter) to see its graph; the Lessons menu brings a lesson back.</source>
        <translation>这不是课程，而是你自己的程序。运行它（Ctrl+Enter）就能看到它的计算图；从“课程”菜单可以回到课程。</translation>
    </message>
    <message numerus="yes">
        <source>Took the line numbers off the %n pasted line(s): they came with the code from the page it was copied from (Ctrl+Z puts them back).</source>
        <translation>
            <numerusform>已删掉粘贴的 %n 行代码前的行号：它们是连同代码一起从网页复制来的（按 Ctrl+Z 可恢复）。</numerusform>
        </translation>
    </message>
    <message>
        <source>Kept the code of the pasted session of Python&apos;s prompt: the &gt;&gt;&gt; and ... prompts and the printed output are left out (Ctrl+Z gives back what was copied).</source>
        <translation>已保留粘贴的 Python 交互会话中的代码：去掉了 &gt;&gt;&gt; 和 ... 提示符以及打印的输出（按 Ctrl+Z 可恢复原样）。</translation>
    </message>
</context>
<context>
    <name>quiz</name>
    <message>
        <source>Quiz mode: step through with → — at each question the player stops until you answer.</source>
        <extracomment>Questions are made for graphs up to this many nodes (each step&apos;s formula is worked out).</extracomment>
        <translation>测验模式：按 → 逐步执行——每到一个问题，播放器会停下来等你回答。</translation>
    </message>
    <message>
        <source>Quiz mode: this graph has no questions (a lesson file can carry its own).</source>
        <translation>测验模式：这个计算图没有问题（课程文件可以自带问题）。</translation>
    </message>
    <message>
        <source>your guess, e.g. -0.08</source>
        <translation>你的答案，例如 -0.08</translation>
    </message>
    <message>
        <source>A number (−0.08, 8e-2, 1/2, nan); Enter reveals the gradient</source>
        <translation>一个数（−0.08、8e-2、1/2、nan）；按 Enter 揭晓梯度</translation>
    </message>
    <message>
        <source>Your guess</source>
        <translation>你的答案</translation>
    </message>
    <message>
        <source>Reveal</source>
        <translation>揭晓</translation>
    </message>
    <message>
        <source>Show the gradient and whether the guess was right (Enter)</source>
        <translation>显示梯度以及答案是否正确（Enter）</translation>
    </message>
    <message>
        <source>Right answers of the questions asked in this lesson</source>
        <translation>本课已提问题中答对的数目</translation>
    </message>
    <message>
        <source>Score: {right} of {asked}</source>
        <translation>得分：{right} / {asked}</translation>
    </message>
    <message>
        <source>&amp;Quiz Mode</source>
        <translation>测验模式(&amp;Q)</translation>
    </message>
    <message>
        <source>Predict each gradient before it is shown: the player stops at every question until it is answered</source>
        <translation>在显示每个梯度之前先预测它：播放器在每个问题处停下，直到回答为止</translation>
    </message>
    <message>
        <source>“{text}” is not a number: type one like -0.08, 1/2 or nan (or leave it empty to reveal).</source>
        <translation>“{text}”不是数：请输入像 -0.08、1/2 或 nan 这样的数（或者留空直接揭晓）。</translation>
    </message>
</context>
<context>
    <name>recordings</name>
    <message>
        <source>gradviz recordings (*{suffix});;All files (*)</source>
        <translation>gradviz 记录 (*{suffix});;所有文件 (*)</translation>
    </message>
    <message>
        <source>Cannot open the recording {name}: {reason}</source>
        <extracomment>Commands that run the program again: a recording cannot.</extracomment>
        <translation>无法打开记录 {name}：{reason}</translation>
    </message>
    <message>
        <source>Open Re&amp;cording…</source>
        <translation>打开记录(&amp;C)…</translation>
    </message>
    <message>
        <source>Open a {suffix} file saved by gradviz.record() in a script or notebook (nothing runs)</source>
        <translation>打开在脚本或笔记本中用 gradviz.record() 保存的 {suffix} 文件（不运行任何代码）</translation>
    </message>
    <message>
        <source>Open a recording</source>
        <translation>打开记录</translation>
    </message>
    <message>
        <source>opening the recording</source>
        <translation>打开记录</translation>
    </message>
    <message>
        <source>Not for a recording: {reason}. Record again (or open the program) to use it.</source>
        <translation>不适用于记录：{reason}。请重新记录（或打开程序）后再使用。</translation>
    </message>
</context>
<context>
    <name>relanguage</name>
    <message>
        <source>Switch language</source>
        <extracomment>Windows made by a switch: Python must hold them (Qt does not own top-level windows).</extracomment>
        <translation>切换语言</translation>
    </message>
    <message>
        <source>The window is made again in the new language, which stops the training run. Switch now?</source>
        <translation>窗口会用新语言重新创建，这会停止正在进行的训练。现在切换吗？</translation>
    </message>
</context>
<context>
    <name>run</name>
    <message>
        <source>Cannot start training: {exc}</source>
        <translation>无法开始训练：{exc}</translation>
    </message>
    <message>
        <source>{steps} steps: {epochs} epochs of {batches} batches</source>
        <translation>共 {steps} 步：{epochs} 轮，每轮 {batches} 批</translation>
    </message>
    <message>
        <source>Start trains; Step runs one batch</source>
        <translation>“开始”进行训练；“单步”运行一个批次</translation>
    </message>
    <message>
        <source>Training stopped: {message}</source>
        <translation>训练已停止：{message}</translation>
    </message>
    <message>
        <source>Cannot start training: {message}</source>
        <translation>无法开始训练：{message}</translation>
    </message>
    <message>
        <source>Training stopped: {message}. The plots keep the steps that arrived; Start trains afresh.</source>
        <translation>训练已停止：{message}。图中保留了已收到的步骤；“开始”会重新训练。</translation>
    </message>
    <message>
        <source>%p % · epoch {epoch} of {epochs} · batch {batch} of {batches} · {left} left</source>
        <translation>%p % · 第 {epoch}/{epochs} 轮 · 第 {batch}/{batches} 批 · 还剩 {left}</translation>
    </message>
    <message>
        <source>Done: {steps} steps in {clock} · train loss {loss:.4g}</source>
        <translation>完成：{steps} 步，用时 {clock} · 训练损失 {loss:.4g}</translation>
    </message>
    <message>
        <source> · test loss {loss:.4g}</source>
        <translation> · 测试损失 {loss:.4g}</translation>
    </message>
    <message>
        <source> · test accuracy {accuracy:.1f} %</source>
        <translation> · 测试准确率 {accuracy:.1f} %</translation>
    </message>
    <message>
        <source>Stopped at step {step}: Continue goes on from here</source>
        <translation>停在第 {step} 步：“继续”会从这里接着训练</translation>
    </message>
</context>
<context>
    <name>status</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop the run and keep the previous graph (Esc)</source>
        <translation>停止运行并保留之前的计算图（Esc）</translation>
    </message>
</context>
<context>
    <name>step_through</name>
    <message>
        <source>Chain Rule</source>
        <extracomment>While playing, the chain-rule panel and the inspector are refreshed at most this often. Graphs up to this many nodes get their steps at once (about 10 ms); bigger ones in slices. Presentation mode: points added to the player&apos;s font, and the least zoom while following steps.</extracomment>
        <translation>链式法则</translation>
    </message>
    <message>
        <source>Show &amp;Gradient at Selected Node</source>
        <translation>显示所选节点的梯度(&amp;G)</translation>
    </message>
    <message>
        <source>Show the selected node&apos;s gradient (what retain_grad() would keep) as a badge and in the inspector</source>
        <translation>在标记和检查器中显示所选节点的梯度（即 retain_grad() 会保留的值）</translation>
    </message>
    <message>
        <source>Export &amp;Animation…</source>
        <translation>导出动画(&amp;A)…</translation>
    </message>
    <message>
        <source>Write every step as a PNG frame (and an animated GIF) into a folder</source>
        <translation>把每一步写成 PNG 帧（以及 GIF 动画）保存到文件夹</translation>
    </message>
    <message>
        <source>Select a node first: then its gradient can be shown.</source>
        <translation>请先选择一个节点，才能显示它的梯度。</translation>
    </message>
    <message>
        <source>No gradient reached {title}: no backward pass ran through it.</source>
        <translation>没有梯度到达 {title}：没有反向传播经过它。</translation>
    </message>
    <message>
        <source>Gradient at {title} after the last backward pass (what .grad holds): {value}</source>
        <translation>最近一次反向传播之后 {title} 处的梯度（即 .grad 中的值）：{value}</translation>
    </message>
    <message>
        <source>Gradient at {title} after the last backward pass (what .retain_grad() would keep): {value}</source>
        <translation>最近一次反向传播之后 {title} 处的梯度（即 .retain_grad() 会保留的值）：{value}</translation>
    </message>
    <message>
        <source>There is no graph to animate yet: run a program first.</source>
        <translation>还没有可以做成动画的计算图：请先运行程序。</translation>
    </message>
    <message>
        <source>Export animation frames into folder</source>
        <translation>把动画帧导出到文件夹</translation>
    </message>
    <message>
        <source>Writing animation frames…</source>
        <translation>正在写入动画帧…</translation>
    </message>
    <message>
        <source>Export animation</source>
        <translation>导出动画</translation>
    </message>
    <message>
        <source>Could not export the animation: {error}</source>
        <translation>无法导出动画：{error}</translation>
    </message>
    <message>
        <source>No graph to step through. The program printed:</source>
        <translation>没有可以单步执行的计算图。程序输出了：</translation>
    </message>
    <message>
        <source>Preparing the steps…</source>
        <translation>正在准备步骤…</translation>
    </message>
    <message>
        <source>Show Gradient at {title}</source>
        <translation>显示 {title} 处的梯度</translation>
    </message>
    <message>
        <source>The gradient that arrived here in the last backward pass, as retain_grad() would keep it</source>
        <translation>最近一次反向传播到达这里的梯度，即 retain_grad() 会保留的值</translation>
    </message>
    <message>
        <source>Export cancelled after {n} frames (in {folder}).</source>
        <translation>已在 {n} 帧后取消导出（保存在 {folder}）。</translation>
    </message>
    <message>
        <source>Wrote {n} frames and {gif} to {folder}.</source>
        <translation>已把 {n} 帧和 {gif} 写入 {folder}。</translation>
    </message>
    <message>
        <source>Wrote {n} frames to {folder}.</source>
        <translation>已把 {n} 帧写入 {folder}。</translation>
    </message>
</context>
<context>
    <name>tensor_view</name>
    <message>
        <source>empty tensor</source>
        <extracomment>Values with at most this many elements are listed number by number. Significant digits in the inspector: one more than badges, enough to check a hand calculation. Words for the low and high ends of each colour map, for the legend under the heatmap.</extracomment>
        <translation>空张量</translation>
    </message>
    <message>
        <source>min {min}, max {max}, mean {mean}, norm {norm}</source>
        <translation>最小 {min}，最大 {max}，均值 {mean}，范数 {norm}</translation>
    </message>
    <message>
        <source>shape {shape}, {dtype}, {device}</source>
        <translation>形状 {shape}，{dtype}，{device}</translation>
    </message>
    <message>
        <source>: {n:,} elements, summary only</source>
        <translation>：{n:,} 个元素，只有摘要</translation>
    </message>
    <message>
        <source>colour: {low} = {lo} … {high} = {hi}</source>
        <translation>颜色：{low} = {lo} … {high} = {hi}</translation>
    </message>
</context>
<context>
    <name>timeline</name>
    <message>
        <source>Step timeline</source>
        <extracomment>Forward in yellow (the value badges&apos; hue), backward passes in alternating blues (the gradients&apos;).</extracomment>
        <translation>步骤时间轴</translation>
    </message>
    <message>
        <source>Timeline: the forward pass (yellow) and each backward pass (blue). Click or drag to jump to a step.</source>
        <translation>时间轴：前向传播（黄色）和每次反向传播（蓝色）。单击或拖动可以跳到某一步。</translation>
    </message>
    <message>
        <source>step {n} of {count} · {phase}</source>
        <translation>第 {n} 步，共 {count} 步 · {phase}</translation>
    </message>
    <message>
        <source>forward</source>
        <translation>前向传播</translation>
    </message>
    <message>
        <source>backward #{n}</source>
        <translation>第 {n} 次反向传播</translation>
    </message>
</context>
<context>
    <name>training_dock</name>
    <message>
        <source>Training</source>
        <extracomment>A step&apos;s graph opens at least this large (its text readable), centred on the loss. The share of the window&apos;s height the panel takes when a training lesson opens it.</extracomment>
        <translation>训练</translation>
    </message>
    <message>
        <source>&amp;Training Panel</source>
        <translation>训练面板(&amp;T)</translation>
    </message>
    <message>
        <source>Show or hide the training panel (Ctrl+T)</source>
        <translation>显示或隐藏训练面板（Ctrl+T）</translation>
    </message>
    <message>
        <source>Train a toy network and watch its loss and decision boundary</source>
        <translation>训练一个小型网络，观察它的损失和决策边界</translation>
    </message>
    <message>
        <source>&amp;Start / Continue Training</source>
        <translation>开始 / 继续训练(&amp;S)</translation>
    </message>
    <message>
        <source>Train with the panel&apos;s settings, or continue the current run</source>
        <translation>按面板上的设置训练，或继续当前的训练</translation>
    </message>
    <message>
        <source>&amp;Pause / Resume Training</source>
        <translation>暂停 / 恢复训练(&amp;P)</translation>
    </message>
    <message>
        <source>Hold the run after the current batch, or let it go on</source>
        <translation>在当前批次之后暂停训练，或让它继续</translation>
    </message>
    <message>
        <source>S&amp;top Training</source>
        <translation>停止训练(&amp;T)</translation>
    </message>
    <message>
        <source>End the run after the current batch</source>
        <translation>在当前批次之后结束训练</translation>
    </message>
    <message>
        <source>Train One &amp;Batch</source>
        <translation>训练一个批次(&amp;B)</translation>
    </message>
    <message>
        <source>Run exactly one batch, then hold</source>
        <translation>只运行一个批次，然后暂停</translation>
    </message>
    <message>
        <source>&amp;Reset Training</source>
        <translation>重置训练(&amp;R)</translation>
    </message>
    <message>
        <source>Forget the trained weights and the plots</source>
        <translation>丢弃训练得到的权重和图表</translation>
    </message>
    <message>
        <source>Show &amp;Graph of This Step</source>
        <translation>显示这一步的计算图(&amp;G)</translation>
    </message>
    <message>
        <source>Draw the latest batch&apos;s autograd graph on the canvas</source>
        <translation>在画布上画出最近一个批次的 autograd 计算图</translation>
    </message>
    <message>
        <source>Save &amp;Weights…</source>
        <translation>保存权重(&amp;W)…</translation>
    </message>
    <message>
        <source>Save the trained model&apos;s state_dict</source>
        <translation>保存训练后模型的 state_dict</translation>
    </message>
    <message>
        <source>&amp;Load Weights…</source>
        <translation>加载权重(&amp;L)…</translation>
    </message>
    <message>
        <source>Load a state_dict into the model</source>
        <translation>把 state_dict 加载到模型中</translation>
    </message>
    <message>
        <source>E&amp;xport Loss History…</source>
        <translation>导出损失记录(&amp;X)…</translation>
    </message>
    <message>
        <source>Write every batch&apos;s losses to a CSV file</source>
        <translation>把每个批次的损失写入 CSV 文件</translation>
    </message>
</context>
<context>
    <name>training_files</name>
    <message>
        <source>Nothing to save yet: Start or Step a run first.</source>
        <translation>还没有可以保存的内容：请先“开始”或“单步”训练。</translation>
    </message>
    <message>
        <source>the run sent a {kind}, not weights</source>
        <translation>训练进程发来的是 {kind}，不是权重</translation>
    </message>
    <message>
        <source>Saved the weights to {name}.</source>
        <translation>权重已保存到 {name}。</translation>
    </message>
    <message>
        <source>Cannot save the weights: {value}</source>
        <translation>无法保存权重：{value}</translation>
    </message>
    <message>
        <source>the weights in {path} do not fit this model: {problem}</source>
        <translation>{path} 中的权重与这个模型不匹配：{problem}</translation>
    </message>
    <message>
        <source>Loaded the weights from {name}.</source>
        <translation>已从 {name} 加载权重。</translation>
    </message>
    <message>
        <source>No losses to export yet: Start or Step a run first.</source>
        <translation>还没有可以导出的损失：请先“开始”或“单步”训练。</translation>
    </message>
    <message>
        <source>Wrote {rows} rows to {name}.</source>
        <translation>已把 {rows} 行写入 {name}。</translation>
    </message>
    <message>
        <source>Save weights</source>
        <translation>保存权重</translation>
    </message>
    <message>
        <source>PyTorch weights (*.pth *.pt)</source>
        <translation>PyTorch 权重 (*.pth *.pt)</translation>
    </message>
    <message>
        <source>Load weights</source>
        <translation>加载权重</translation>
    </message>
    <message>
        <source>PyTorch weights (*.pth *.pt);;All files (*)</source>
        <translation>PyTorch 权重 (*.pth *.pt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Export loss history</source>
        <translation>导出损失记录</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
</context>
<context>
    <name>training_form</name>
    <message>
        <source>toy</source>
        <extracomment>A CSV dataset&apos;s set-up: the two-ring preset&apos;s MLP classifier.</extracomment>
        <translation>五个点（toy）</translation>
    </message>
    <message>
        <source>xor</source>
        <translation>异或（xor）</translation>
    </message>
    <message>
        <source>circles</source>
        <translation>同心圆（circles）</translation>
    </message>
    <message>
        <source>moons</source>
        <translation>双月（moons）</translation>
    </message>
    <message>
        <source>spirals</source>
        <translation>双螺旋（spirals）</translation>
    </message>
    <message>
        <source>blobs</source>
        <translation>三团（blobs）</translation>
    </message>
    <message>
        <source>linear</source>
        <translation>直线（linear）</translation>
    </message>
    <message>
        <source>fashion</source>
        <translation>服装图片（fashion）</translation>
    </message>
    <message>
        <source>The toy-train lesson&apos;s 5 training and 2 test points</source>
        <translation>toy-train 课程的 5 个训练点和 2 个测试点</translation>
    </message>
    <message>
        <source>Class 1 where x and y have opposite signs: needs a hidden layer</source>
        <translation>x 和 y 符号相反时为类别 1：需要一个隐藏层</translation>
    </message>
    <message>
        <source>Two rings, one inside the other</source>
        <translation>两个圆环，一个套在另一个里面</translation>
    </message>
    <message>
        <source>Two interleaving half circles</source>
        <translation>两个相互交错的半圆</translation>
    </message>
    <message>
        <source>Two spiral arms: hard for small networks</source>
        <translation>两条螺旋臂：对小网络来说很难</translation>
    </message>
    <message>
        <source>Three Gaussian blobs, three classes</source>
        <translation>三团高斯分布的点，三个类别</translation>
    </message>
    <message>
        <source>y = 0.7·x + 0.3, the linear-regression lesson&apos;s line</source>
        <translation>y = 0.7·x + 0.3，linear-regression 课程中的直线</translation>
    </message>
    <message>
        <source>Synthetic stand-in for FashionMNIST: 28×28 images, 10 classes</source>
        <translation>合成的 FashionMNIST 替代数据：28×28 图片，10 个类别</translation>
    </message>
    <message>
        <source>one linear layer</source>
        <translation>一个线性层</translation>
    </message>
    <message>
        <source>fashion MLP</source>
        <translation>服装分类 MLP</translation>
    </message>
    <message>
        <source>Linear layers of the widths under Hidden, each followed by the activation</source>
        <translation>宽度为“隐藏层”所填数值的线性层，每层后接激活函数</translation>
    </message>
    <message>
        <source>A single nn.Linear from the features to the outputs</source>
        <translation>从特征到输出的单个 nn.Linear</translation>
    </message>
    <message>
        <source>LinearRegressionModel: weights * x + bias, two nn.Parameters</source>
        <translation>LinearRegressionModel：weights * x + bias，两个 nn.Parameter</translation>
    </message>
    <message>
        <source>constant</source>
        <translation>不变</translation>
    </message>
    <message>
        <source>step decay</source>
        <translation>阶梯衰减</translation>
    </message>
    <message>
        <source>exponential</source>
        <translation>指数衰减</translation>
    </message>
    <message>
        <source>hidden layers must be widths like 16,16, not {text!r}</source>
        <translation>隐藏层必须写成像 16,16 这样的宽度，而不是 {text!r}</translation>
    </message>
    <message>
        <source>hidden layer widths must be positive, not {text!r}</source>
        <translation>隐藏层宽度必须是正数，而不是 {text!r}</translation>
    </message>
    <message>
        <source>{what} must be a number, not {text!r}</source>
        <translation>{what}必须是一个数，而不是 {text!r}</translation>
    </message>
    <message>
        <source>Dataset: the points or images to learn from</source>
        <translation>数据集：用来学习的点或图片</translation>
    </message>
    <message>
        <source>Your CSV…</source>
        <translation>你的 CSV 文件…</translation>
    </message>
    <message>
        <source>Numeric feature columns and an integer class column (the last)</source>
        <translation>数值特征列和一个整数类别列（最后一列）</translation>
    </message>
    <message>
        <source>The network to train</source>
        <translation>要训练的网络</translation>
    </message>
    <message>
        <source>Widths of the MLP&apos;s hidden layers, e.g. 16,16 (empty: none)</source>
        <translation>MLP 隐藏层的宽度，例如 16,16（留空：没有隐藏层）</translation>
    </message>
    <message>
        <source>Non-linearity after each hidden layer</source>
        <translation>每个隐藏层之后的非线性激活函数</translation>
    </message>
    <message>
        <source>cross_entropy for classes, mse / l1 for numbers; bce needs probabilities, bce_logits raw scores</source>
        <translation>分类用 cross_entropy，数值用 mse / l1；bce 需要概率，bce_logits 需要原始分数</translation>
    </message>
    <message>
        <source>How the gradients update the weights</source>
        <translation>梯度如何更新权重</translation>
    </message>
    <message>
        <source>Learning rate; can be changed while training (takes effect from the next batch)</source>
        <translation>学习率；训练时也可以修改（从下一个批次起生效）</translation>
    </message>
    <message>
        <source>full</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Samples per batch (one optimizer step each); &apos;full&apos; = the whole training set</source>
        <translation>每个批次的样本数（每批进行一次优化器更新）；“全部”= 整个训练集</translation>
    </message>
    <message>
        <source>Passes over the training set</source>
        <translation>遍历训练集的轮数</translation>
    </message>
    <message>
        <source>L2 penalty on the weights, added by the optimizer (0: none)</source>
        <translation>权重的 L2 惩罚，由优化器加上（0：不使用）</translation>
    </message>
    <message>
        <source>How the learning rate changes from epoch to epoch</source>
        <translation>学习率在各轮之间如何变化</translation>
    </message>
    <message>
        <source>random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>Seeds the initial weights and the shuffling: the same seed gives the same run</source>
        <translation>初始权重和打乱顺序所用的随机种子：相同的种子得到相同的训练过程</translation>
    </message>
    <message>
        <source>Where the tensors live</source>
        <translation>张量放在哪个设备上</translation>
    </message>
    <message>
        <source>&amp;Dataset</source>
        <translation>数据集(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Hidden</source>
        <translation>隐藏层(&amp;H)</translation>
    </message>
    <message>
        <source>Acti&amp;vation</source>
        <translation>激活函数(&amp;V)</translation>
    </message>
    <message>
        <source>L&amp;oss</source>
        <translation>损失函数(&amp;O)</translation>
    </message>
    <message>
        <source>O&amp;ptimizer</source>
        <translation>优化器(&amp;P)</translation>
    </message>
    <message>
        <source>Learning &amp;rate</source>
        <translation>学习率(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Batch size</source>
        <translation>批大小(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Epochs</source>
        <translation>轮数(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Weight decay</source>
        <translation>权重衰减(&amp;W)</translation>
    </message>
    <message>
        <source>Sc&amp;hedule</source>
        <translation>学习率调度(&amp;H)</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>De&amp;vice</source>
        <translation>设备(&amp;V)</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>The fastest device this machine has</source>
        <translation>这台机器上最快的设备</translation>
    </message>
    <message>
        <source>Not available: {reason}</source>
        <translation>不可用：{reason}</translation>
    </message>
    <message>
        <source>Train on the {upper}</source>
        <translation>在 {upper} 上训练</translation>
    </message>
    <message>
        <source>the learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>the weight decay</source>
        <translation>权重衰减</translation>
    </message>
    <message>
        <source>Open a CSV dataset</source>
        <translation>打开 CSV 数据集</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV 文件 (*.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Cannot use {name} as a dataset: gradviz reads datasets from .csv files</source>
        <translation>无法把 {name} 用作数据集：gradviz 从 .csv 文件读取数据集</translation>
    </message>
    <message>
        <source>Cannot use {name} as a dataset: {reason}</source>
        <translation>无法把 {name} 用作数据集：{reason}</translation>
    </message>
</context>
<context>
    <name>training_panel</name>
    <message>
        <source>Start</source>
        <extracomment>What the panel shows before any lesson: a problem a small tanh MLP solves in seconds. Slow motion: steps per second, from one a second up.</extracomment>
        <translation>开始</translation>
    </message>
    <message>
        <source>Train with these settings (F5)</source>
        <translation>按这些设置训练（F5）</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Pause after the current batch, or resume (F6)</source>
        <translation>在当前批次之后暂停，或恢复（F6）</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>End the run after the current batch (Shift+F5)</source>
        <translation>在当前批次之后结束训练（Shift+F5）</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>单步</translation>
    </message>
    <message>
        <source>Run exactly one batch, then hold (F10)</source>
        <translation>只运行一个批次，然后暂停（F10）</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>Forget the trained weights and the plots (Ctrl+Shift+F5)</source>
        <translation>丢弃训练得到的权重和图表（Ctrl+Shift+F5）</translation>
    </message>
    <message>
        <source>Save weights…</source>
        <translation>保存权重…</translation>
    </message>
    <message>
        <source>Save the model&apos;s state_dict with torch.save (Ctrl+Alt+W)</source>
        <translation>用 torch.save 保存模型的 state_dict（Ctrl+Alt+W）</translation>
    </message>
    <message>
        <source>Load weights…</source>
        <translation>加载权重…</translation>
    </message>
    <message>
        <source>Load a state_dict saved for this model; only tensors are read, with torch.load(weights_only=True) (Ctrl+Alt+L)</source>
        <translation>加载为这个模型保存的 state_dict；用 torch.load(weights_only=True) 只读取张量（Ctrl+Alt+L）</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Write every batch&apos;s losses, accuracies and learning rate to a CSV file (Ctrl+Alt+C)</source>
        <translation>把每个批次的损失、准确率和学习率写入 CSV 文件（Ctrl+Alt+C）</translation>
    </message>
    <message>
        <source>Show graph of this step</source>
        <translation>显示这一步的计算图</translation>
    </message>
    <message>
        <source>Draw the autograd graph of the latest batch on the canvas, with its values and gradients (Ctrl+Shift+G)</source>
        <translation>在画布上画出最近一个批次的 autograd 计算图，带有它的值和梯度（Ctrl+Shift+G）</translation>
    </message>
    <message>
        <source>Slow &amp;motion</source>
        <translation>慢动作(&amp;M)</translation>
    </message>
    <message>
        <source>Start trains one step at a time, drawing each step&apos;s graph and its gradients on the canvas</source>
        <translation>“开始”会一步一步地训练，并在画布上画出每一步的计算图和梯度</translation>
    </message>
    <message>
        <source> steps/s</source>
        <translation> 步/秒</translation>
    </message>
    <message>
        <source>Steps per second in slow motion</source>
        <translation>慢动作时每秒的步数</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Gradients by step</source>
        <translation>各步的梯度</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Stop the run first to change its settings.</source>
        <translation>请先停止训练，再修改它的设置。</translation>
    </message>
    <message>
        <source>Learning rate {lr:g} from the next batch on.</source>
        <translation>从下一个批次起学习率为 {lr:g}。</translation>
    </message>
</context>
<context>
    <name>value_editor</name>
    <message>
        <source>Edit {name}</source>
        <translation>编辑 {name}</translation>
    </message>
    <message>
        <source>&lt;b&gt;{name}&lt;/b&gt; — {shape}, {dtype}. The graph&apos;s values and gradients follow at once; the program text is not changed.</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt; — {shape}，{dtype}。计算图中的值和梯度会立即随之更新；程序文本不会改变。</translation>
    </message>
    <message>
        <source>Type a value; the graph updates when you press Enter or leave the box</source>
        <translation>输入一个值；按 Enter 或离开输入框时计算图会更新</translation>
    </message>
    <message>
        <source>Drag to change {name} between {low} and {high}; the graph follows live</source>
        <translation>拖动可以在 {low} 和 {high} 之间改变 {name}；计算图实时更新</translation>
    </message>
    <message>
        <source>value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>drag</source>
        <translation>拖动</translation>
    </message>
    <message>
        <source>A number, or a nested list of the tensor&apos;s shape, e.g. [[1.0, 2.0]]</source>
        <translation>一个数，或与张量形状相同的嵌套列表，例如 [[1.0, 2.0]]</translation>
    </message>
    <message>
        <source>Write a number or a list of numbers, e.g. [1.0, 2.0].</source>
        <translation>请写一个数或一个数的列表，例如 [1.0, 2.0]。</translation>
    </message>
</context>
<context>
    <name>why_none_dialog</name>
    <message>
        <source>Why is my grad None?</source>
        <translation>为什么我的 grad 是 None？</translation>
    </message>
    <message>
        <source>Tensor:</source>
        <translation>张量：</translation>
    </message>
    <message>
        <source>A variable of the program; type any name it assigns</source>
        <translation>程序中的一个变量；可以输入它赋值过的任何名字</translation>
    </message>
    <message>
        <source>Why?</source>
        <translation>为什么？</translation>
    </message>
    <message>
        <source>Re-run the program and explain why this tensor&apos;s .grad is None</source>
        <translation>重新运行程序，并解释这个张量的 .grad 为什么是 None</translation>
    </message>
    <message>
        <source>Pick a tensor and press Why?</source>
        <translation>选择一个张量，然后按“为什么？”</translation>
    </message>
    <message>
        <source>Show this line in the editor</source>
        <translation>在编辑器中显示这一行</translation>
    </message>
    <message>
        <source>Re-running the program to look at {name}…</source>
        <translation>正在重新运行程序来查看 {name}…</translation>
    </message>
    <message>
        <source>Go to line {line}</source>
        <translation>转到第 {line} 行</translation>
    </message>
    <message>
        <source>The program could not run: {error}</source>
        <translation>程序无法运行：{error}</translation>
    </message>
</context>
</TS>
