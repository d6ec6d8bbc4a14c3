"""newsweave CLI command: ``serve`` (the web app). Thin: checks the bind, starts uvicorn."""

from __future__ import annotations

from typing import Any

import typer

from newsweave.cli.app import app, err_console, state

__all__ = ["serve_command"]

_EPILOG = """\
[b]Examples[/b]

  newsweave --db out/newsweave.db serve            (then open http://127.0.0.1:8000)

  newsweave serve --port 8080

  NEWSWEAVE_TOKEN=$(python -c 'import secrets; print(secrets.token_urlsafe())') newsweave serve --host 0.0.0.0

Bound to 127.0.0.1 the app is for this machine's user; any other --host needs a token,
given once as http://HOST:PORT/?token=… . The JSON API is described at /openapi.json.
"""


@app.command("serve", epilog=_EPILOG)
def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; anything but 127.0.0.1 needs --token."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    token: str | None = typer.Option(None, "--token", envvar="NEWSWEAVE_TOKEN", show_default=False,
                                     help="Require this token (≥16 characters) from every visitor."),
    workers: int = typer.Option(1, "--workers", min=1, max=32,
                                help="Processes serving requests (more use more cores; each keeps its own caches)."),
) -> None:
    """Browse stories, compare outlets side by side, search and correct, in a browser."""
    from newsweave.errors import MissingDependency
    from newsweave.web.security import check_bind

    token = token or None  # an empty NEWSWEAVE_TOKEN is no token
    check_bind(host, token)
    try:
        import uvicorn

        from newsweave.web import create_app
    except ImportError as e:
        raise MissingDependency(e.name or "fastapi", "web", "newsweave serve") from e
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    application: Any  # the app, or where uvicorn's workers import it from
    if workers == 1:
        application = create_app(state.db, token=token)
    else:  # uvicorn starts the workers from the environment: the store, the token, one CSRF secret
        import os
        import secrets

        from newsweave.store import Store
        from newsweave.web.app import SECRET_ENV

        Store.open(state.db).close()  # migrate (and fail on a bad --db) once, before the workers start
        os.environ.update({SECRET_ENV: secrets.token_urlsafe(24), "NEWSWEAVE_TOKEN": token or ""})
        if state.db:
            os.environ["NEWSWEAVE_DB"] = state.db
        application = "newsweave.web.app:app_from_environment"
    err_console.print(f"newsweave: open http://{shown}:{port}/{'?token=…' if token else ''}  (Ctrl+C stops)",
                      highlight=False)
    uvicorn.run(application, host=host, port=port, log_level="warning", workers=workers,
                factory=workers > 1)
