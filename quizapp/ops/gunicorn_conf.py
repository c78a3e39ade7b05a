"""gunicorn's settings for `make serve` (`gunicorn -c python:quizapp.ops.gunicorn_conf`).

Threaded workers: a login's password hash (~0.5 s of CPU, which releases the
GIL) or a slow session start must not hold up the 20 ms answers queued behind
it, as a sync worker would. Three processes for two cores, four threads each.
"""

import os
from pathlib import Path

from quizapp.env import env_bool, env_int, env_str, load_env_file

# Read before Django's settings are: BIND and the worker counts may be in .env.
if os.environ.get("FACTEUR_ENV_FILE"):
    load_env_file(Path(__file__).resolve().parents[2] / os.environ["FACTEUR_ENV_FILE"])

wsgi_app = "quizapp.wsgi:application"
bind = env_str("BIND", f"127.0.0.1:{env_int('PORT', 8000)}").split(",")
workers = env_int("WEB_WORKERS", 3)
worker_class = "gthread"
threads = env_int("WEB_THREADS", 4)
# Loading the site once in the master makes a broken start fail at once, and
# the workers share its memory.
preload_app = True
timeout = env_int("WEB_TIMEOUT", 30)
graceful_timeout = 20
# Longer than a trainee's think time and a load balancer's idle timeout (60 s): a
# connection closed by the server just as the client reuses it fails a POST
# ("remote end closed connection", seen under load with 5 s). Idle connections
# wait in the poller, not in a thread.
keepalive = 75
# A worker is replaced now and then, so that a slow leak cannot grow for ever.
max_requests = 5000
max_requests_jitter = 500
# Only a proxy on this list may say which client and scheme it forwards for.
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-" if env_bool("ACCESS_LOG", False) else None
errorlog = "-"
loglevel = env_str("LOG_LEVEL", "INFO").lower()
# gunicorn's control socket defaults to one path per user: several sites (or
# test runs) on one host would fight over it, and nothing here uses it.
control_socket_disable = True
