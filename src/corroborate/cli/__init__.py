"""The command line (typer): thin commands over the app use cases."""
