"""SQLAlchemy 2 models. Each capability adds its tables here (or in a module imported here)."""

from .extensions import Base, db  # noqa: F401
from .report import models as _report_models  # noqa: F401,E402  (tips, photos, audit log, staff)
from .staff import models as _staff_models  # noqa: F401,E402  (staff sessions, login throttle, desk audit log)
from .history import models as _history_models  # noqa: F401,E402  (change history, data releases)
from .air import models as _air_models  # noqa: F401,E402  (observations, daily/annual values, imports)
from .progress import models as _progress_models  # noqa: F401,E402  (progress reports, values, audit log, editor bodies)
