"""Import every model module so `Base.metadata` knows all tables (Alembic, create_all)."""

from engine.casefile import notes  # noqa: F401
from engine.cohorts import models as cohort_models  # noqa: F401
from engine.db import models  # noqa: F401
from engine.db.base import Base
from engine.letters import models as letter_models  # noqa: F401
from engine.outbox import handlers as outbox  # noqa: F401
from engine.legal import models as legal_models  # noqa: F401
from engine.running import models as running_models  # noqa: F401

metadata = Base.metadata
from engine.coa import models as coa_models  # noqa: F401,E402  (COA klantprofielen)
from engine.duo import models as duo_models  # noqa: F401,E402  (exchanges with DUO)
from engine.access import models as access_models  # noqa: F401
from engine.monitoring import models as monitoring_models  # noqa: F401
from engine.partners import models as partner_models  # noqa: F401,E402  (partner portal)
