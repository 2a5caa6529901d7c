"""``python -m corroborate``: the command line."""

from corroborate.cli import app

if __name__ == "__main__":  # pragma: no cover
    app()
