"""Questions asked of a program: the gradient check, "why is my grad None?"."""
