"""gradviz: see PyTorch's autograd graph, step through forward and backward passes."""

__version__ = "0.1.0"
