"""``python -m corroborate``: the command line."""

from corroborate.cli.main import app

if __name__ == "__main__":  # pragma: no cover
    app()
