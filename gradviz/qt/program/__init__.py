"""The program: editor, files, module loading, lesson text."""
