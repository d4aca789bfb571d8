"""KCR — the container registry part of the kce endpoint (API version 2018-03-14), 17 actions.

`models.py` (store kinds, seeding, tags, charts, favourites, the registry login), `catalogue.py` (the
public catalogue every account sees), `handlers.py` (one function per `@action`, and the test-control
endpoints `ADMIN`: `POST /_emulator/push`, `/_emulator/charts`), `views.py` (the answer shapes),
`DECISIONS.md` (the choices the documents left open).  Importing the package registers the handlers.
"""
from .handlers import ADMIN, check_password, control_add_charts, control_push_tags  # noqa: F401
from .models import (MAX_PUSH_TAGS, SERVICE, VERSION, add_charts, ensure_seeded, fmt_time,  # noqa: F401
                     generated_tags, push_tag, verify_password)
