"""The built-in lessons: programs in the expression language, from the users' own tutorials.

Each lesson's numbers are listed in ``shared/lessons.md`` and checked by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from .capture import capture_program
from .trace import Trace


@dataclass(frozen=True)
class Lesson:
    """One built-in lesson.

    ``subject`` names the variable holding the module under study: its parameters are
    labelled as its ``named_parameters()`` prints them (``layers.0.weight``).
    ``roots`` names the tensors whose graphs are shown (default: the capture's rule).
    """

    name: str
    title: str
    text: str
    program: str
    subject: str | None = None
    roots: tuple[str, ...] = ()
    trains: bool = False  # the training panel has a set-up for it


LOGISTIC = Lesson(
    "logistic", "One neuron, binary cross-entropy",
    "A single neuron: z = x1·w1 + b, a = σ(z), and the binary cross-entropy between a and "
    "the target y. x1 and y need no gradient, so autograd treats them as constants; w1 and b "
    "are leaves with requires_grad=True, so each gets an AccumulateGrad node that stores its "
    "gradient in .grad. The program asks for the two gradients with torch.autograd.grad: by "
    "default autograd frees the graph after a backward pass, so every call but the last needs "
    "retain_graph=True — here loss.backward() comes last and walks the same graph a third time.",
    """\
y = torch.tensor([1.0])  # target label
x1 = torch.tensor([1.1])  # input feature
w1 = torch.tensor([2.2], requires_grad=True)  # weight
b = torch.tensor([0.0], requires_grad=True)  # bias

z = x1 * w1 + b
a = torch.sigmoid(z)
loss = F.binary_cross_entropy(a, y)

grad_L_w1 = torch.autograd.grad(loss, w1, retain_graph=True)
grad_L_b = torch.autograd.grad(loss, b, retain_graph=True)
loss.backward()
""",
)

LOGITS = Lesson(
    "logits", "matmul + BCE with logits",
    "A one-layer network on five inputs with three outputs: z = x·w + b, and the loss is "
    "F.binary_cross_entropy_with_logits, which applies the sigmoid inside the loss for "
    "numerical stability. z.grad_fn is AddBackward0 and loss.grad_fn is "
    "BinaryCrossEntropyWithLogitsBackward0. Because every input is 1, every row of w.grad "
    "equals b.grad.",
    """\
torch.manual_seed(0)
x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w) + b
loss = F.binary_cross_entropy_with_logits(z, y)
loss.backward()
""",
)

VJP = Lesson(
    "vjp", "Non-scalar output: a seed gradient, and .grad accumulating",
    "out is a 5×4 matrix, not a number, so backward needs a seed gradient of out's shape "
    "(here all ones): PyTorch then computes the vector-Jacobian product. Calling backward "
    "twice adds the second gradient to the first in inp.grad (row 0 goes from [4, 2, 2, 2, 2] "
    "to [8, 4, 4, 4, 4]); inp.grad.zero_() resets it, and a third call gives [4, 2, 2, 2, 2] "
    "again. retain_graph=True keeps the graph alive between the calls.",
    """\
inp = torch.eye(4, 5, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
first = inp.grad.clone()
out.backward(torch.ones_like(out), retain_graph=True)
second = inp.grad.clone()
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
third = inp.grad.clone()
""",
    roots=("out",),
)

MLP_LESSON = Lesson(
    "mlp", "NeuralNetwork(50, 3): two hidden layers",
    "The tutorials' NeuralNetwork: Linear(50, 30) → ReLU → Linear(30, 20) → ReLU → "
    "Linear(20, 3), held in an nn.Sequential called layers. It has 2,213 trainable "
    "parameters. Each Linear layer becomes an AddmmBackward0 node (a matrix multiply and a "
    "bias add in one op) with a TBackward0 node for its transposed weight; the parameters are "
    "leaves named by their module path, layers.0.weight and so on. out is not a number, so "
    "gradviz seeds the backward pass with ones.",
    """\
torch.manual_seed(123)
model = NeuralNetwork(50, 3)
num_params = sum([p.numel() for p in model.parameters() if p.requires_grad])
torch.manual_seed(123)
X = torch.rand((1, 50))
out = model(X)
""",
    subject="model",
)

TOY_TRAIN = Lesson(
    "toy-train", "The five-point classifier and its training loop",
    "Five points in the plane, two classes, and NeuralNetwork(2, 2). This graph is one "
    "forward pass of the first training batch (two points) through the untrained network "
    "with F.cross_entropy, which fuses log-softmax and the negative log-likelihood. The "
    "first batch's loss is 0.7487. The training panel runs the tutorial's loop: SGD with lr 0.5, batches of 2 shuffled with "
    "drop_last=True, three epochs; the six batch losses fall from 0.7487 to 0.0043 and both "
    "train and test accuracy reach 1.0. The trained weights can be saved as a state_dict.",
    """\
X_train = torch.tensor([[-1.2, 3.1], [-0.9, 2.9], [-0.5, 2.6], [2.3, -1.1], [2.7, -1.5]])
y_train = torch.tensor([0, 0, 0, 1, 1])
torch.manual_seed(123)
model = NeuralNetwork(num_inputs=2, num_outputs=2)
# The DataLoader's first shuffled batch (seed 123): points 2 and 1.
features = X_train[torch.tensor([2, 1])]
labels = y_train[torch.tensor([2, 1])]
logits = model(features)
loss = F.cross_entropy(logits, labels)
""",
    subject="model",
    trains=True,
)

FASHION_MLP = Lesson(
    "fashion-mlp", "The 28×28 FashionMNIST classifier",
    "Flatten, then Linear(784, 512) → ReLU → Linear(512, 512) → ReLU → Linear(512, 10), "
    "with nn.CrossEntropyLoss. FashionMNIST cannot be downloaded here, so this graph runs on "
    "a random batch of 64 images of shape (1, 28, 28) with random labels, and the training "
    "panel trains on a synthetic stand-in of the same shape: ten noisy class templates. The "
    "graph is the same as with the real data; only the numbers differ.",
    """\
torch.manual_seed(0)
model = FashionNetwork()
X = torch.rand(64, 1, 28, 28)
y = torch.randint(0, 10, (64,))
loss_fn = nn.CrossEntropyLoss()
logits = model(X)
loss = loss_fn(logits, y)
""",
    subject="model",
    trains=True,
)

LINEAR_REGRESSION = Lesson(
    "linear-regression", "nn.Parameter model, L1 loss",
    "Data on the line y = 0.7·x + 0.3 for x in [0, 1) in steps of 0.02; the first 80 % is "
    "for training, the rest for testing. LinearRegressionModel holds two nn.Parameters, "
    "weights and bias, initialised with torch.manual_seed(42) to 0.3367 and 0.1288, and "
    "computes weights * x + bias. The loss is nn.L1Loss, the mean absolute error. The "
    "training panel runs SGD with lr 0.01 and plots train and test loss per epoch and the "
    "predictions against the data.",
    """\
weight = 0.7
bias = 0.3
X = torch.arange(0, 1, 0.02).unsqueeze(dim=1)
y = weight * X + bias
train_split = int(0.8 * len(X))
X_train, y_train = X[:train_split], y[:train_split]
X_test, y_test = X[train_split:], y[train_split:]
torch.manual_seed(42)
model = LinearRegressionModel()
y_pred = model(X_train)
loss_fn = nn.L1Loss()
loss = loss_fn(y_pred, y_train)
""",
    subject="model",
    trains=True,
)

CUSTOM_LAYERS = Lesson(
    "custom-layers", "Nested modules",
    "ComplexModel holds a CustomLayer (Linear → ReLU → Linear) and an MLP made of two "
    "SimpleLayers (Linear → ReLU each). Every autograd node is tagged with the module that "
    "was running when it was created, so the graph groups them in boxes named "
    "custom_layer, mlp.layer1, mlp.layer2 — and each box can be collapsed to one node.",
    """\
torch.manual_seed(0)
model = ComplexModel(10, 20, 5)
x = torch.randn(4, 10)
out = model(x)
loss = out.pow(2).mean()
""",
    subject="model",
)

NO_GRAD = Lesson(
    "no-grad", "When there is no graph",
    "z = x·w + b normally has a graph. The same line inside `with torch.no_grad():` "
    "computes the same numbers but records nothing: z.requires_grad is False and z.grad_fn "
    "is None. z.detach() likewise returns a tensor cut off from the graph. Use no_grad for "
    "evaluation and inference, where no gradient is needed; it saves memory and time.",
    """\
torch.manual_seed(0)
x = torch.ones(5)
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w) + b
print(z.requires_grad)
with torch.no_grad():
    z = torch.matmul(x, w) + b
print(z.requires_grad)
z_det = (torch.matmul(x, w) + b).detach()
print(z_det.requires_grad)
""",
    roots=("z",),
)

SOFTMAX = Lesson(
    "softmax", "Hand-written softmax and cross-entropy vs F.cross_entropy",
    "Four samples, three classes. On the left, softmax and cross-entropy written out: exp, "
    "a row sum, a division, picking each sample's true-class probability, log, minus, mean. "
    "On the right, F.cross_entropy does the same in two fused ops (LogSoftmaxBackward0 and "
    "NllLossBackward0). Both give per-sample losses [0.9698, 0.8801, 1.0527, 0.8314] and "
    "the mean 0.9335, and the same gradient on Z.",
    """\
Z = torch.tensor([[-0.3, -0.5, -0.5],
                  [-0.4, -0.1, -0.5],
                  [-0.3, -0.94, -0.5],
                  [-0.99, -0.88, -0.5]], requires_grad=True)
y = torch.tensor([0, 1, 2, 2])
exp_Z = torch.exp(Z)
softmax = exp_Z / exp_Z.sum(dim=1, keepdim=True)
per_sample = -torch.log(softmax[torch.arange(4), y])
loss_manual = per_sample.mean()
loss_builtin = F.cross_entropy(Z, y)
""",
    roots=("loss_manual", "loss_builtin"),
)

LESSONS: dict[str, Lesson] = {
    lesson.name: lesson
    for lesson in (LOGISTIC, LOGITS, VJP, MLP_LESSON, TOY_TRAIN, FASHION_MLP, LINEAR_REGRESSION,
                   CUSTOM_LAYERS, NO_GRAD, SOFTMAX)
}


def get_lesson(name: str) -> Lesson:
    """The lesson called ``name`` (a ``lesson:`` prefix is allowed); KeyError lists the names."""
    key = name.removeprefix("lesson:")
    if key not in LESSONS:
        raise KeyError(f"no lesson '{key}'; the lessons are: {', '.join(LESSONS)}")
    return LESSONS[key]


def capture_lesson(name: str) -> Trace:
    """Run a built-in lesson and return its Trace."""
    lesson = get_lesson(name)
    return capture_program(lesson.program, roots=lesson.roots, subject=lesson.subject)
