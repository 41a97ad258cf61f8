"""Model files written the way real code writes them, for capture tests against plain PyTorch."""
