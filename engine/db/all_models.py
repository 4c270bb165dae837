"""Import every model module so `Base.metadata` knows all tables (Alembic, create_all)."""

from engine.casefile import notes  # noqa: F401
from engine.db import models  # noqa: F401
from engine.db.base import Base
from engine.letters import models as letter_models  # noqa: F401
from engine.outbox import handlers as outbox  # noqa: F401

metadata = Base.metadata
from engine.monitoring import models as monitoring_models  # noqa: F401
