"""Flask extensions, created unbound so that blueprints can import them without cycles."""

from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
# Pages and data twins are compressed on the way out (static files are pre-compressed).
compress = Compress()
# No default limits: only the routes that declare one (tip submission, staff login) are limited.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
