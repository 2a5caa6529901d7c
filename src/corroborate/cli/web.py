"""Web: `corroborate serve` (issue 5)."""

from __future__ import annotations

from typing import Annotated

import typer

from corroborate.cli.common import DEFAULT_MODE_CHOICE, DbOption, ModeOption, _errors, _say, command


@command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(metavar="HOST", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="PORT", min=0, max=65535, help="Port to listen on.")] = 8000,
    mode: ModeOption = DEFAULT_MODE_CHOICE,
) -> None:
    """Serve the web app and the JSON API (/api/v1) over the database.

    Writes (the ingest form, POST /api/v1/articles) need the token in $CORROBORATE_TOKEN.

    Without it the server is read-only. $CORROBORATE_MAX_UPLOAD caps request bodies (default 2 MB).
    """
    import uvicorn

    from corroborate.web import create_app
    from corroborate.web.security import TOKEN_ENV

    with _errors():
        web_app = create_app(db, mode=mode.value)
        ctx = web_app.state.ctx
        shown = f"[{host}]" if ":" in host else host
        _say(f"serving {ctx.store.display_name} at http://{shown}:{port}/ (Ctrl-C stops)")
        if not ctx.auth.writes_enabled:
            _say(f"read-only: set {TOKEN_ENV} to allow ingesting through the form and the API")
        uvicorn.run(web_app, host=host, port=port, log_level="warning", server_header=False)
