"""Import every model module so `Base.metadata` knows all tables (Alembic, create_all)."""

from engine.db import models  # noqa: F401
from engine.letters import models as letter_models  # noqa: F401
from engine import notes  # noqa: F401
from engine import outbox  # noqa: F401

from engine.db.base import Base

metadata = Base.metadata
