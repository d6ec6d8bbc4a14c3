"""The newsweave web app (``newsweave serve``): browse stories, compare outlets, search, correct.

Needs the ``web`` extra (FastAPI, uvicorn). See :func:`newsweave.web.app.create_app`.
"""

from newsweave.web.app import create_app

__all__ = ["create_app"]
