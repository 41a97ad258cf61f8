"""gradviz's program language: parse and check (language), the allow-list checked at run time
(allowlist, namespaces, by_type), the rewrite that puts the checks in (instrument), and the
interpreter that runs a program with a capped console (interpreter, console).

The modules are imported by name (errors, language, interpreter): this package imports nothing
itself, so a torch-free caller can import ``gradviz.core.program.errors`` alone.
"""
