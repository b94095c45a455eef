"""Give bench accounts a TOTP authenticator (staff and leadership must have one; deputies.mfa)
so the load script and the profiler can log in. Benchmark database only.

    python bench/totp_enrol.py USERNAME ...   # prints {"period": 30, "digits": 6, "secrets": {…}}

Runs on BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/jdrenda_bench_67). Each
account gets a freshly generated secret (replacing any TOTP authenticator it had), stored the
way allauth stores an enrolment made on its page (allauth.mfa.totp.internal.auth.TOTP.activate),
and printed so the caller can compute the codes.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jdrenda_bench_67"


def enrol(usernames) -> dict:
    """{username: secret} for these accounts, each with a new TOTP authenticator."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth import get_user_model
    from django.db import transaction

    secrets = {}
    with transaction.atomic():
        for username in usernames:
            user = get_user_model().objects.get(username=username)
            Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
            secrets[username] = generate_totp_secret()
            TOTP.activate(user, secrets[username])
    return secrets


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jdrenda.settings")
    import django

    django.setup()
    from allauth.mfa import app_settings

    secrets = enrol(sys.argv[1:])
    print(json.dumps({"period": app_settings.TOTP_PERIOD, "digits": app_settings.TOTP_DIGITS,
                      "secrets": secrets}))  # fmt: skip


if __name__ == "__main__":
    main()
