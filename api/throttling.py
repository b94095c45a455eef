"""Rate limit per client, counted in the cache (Redis in production: every worker shares
the count). The rate is settings.API_RATE_LIMIT, e.g. "600/minute"."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class ClientRateThrottle(SimpleRateThrottle):
    scope = "api_client"

    def get_rate(self):
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view):
        client = getattr(request, "auth", None)
        if client is None or not hasattr(client, "pk"):
            # Unauthenticated requests are refused anyway; count them by address.
            return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        return self.cache_format % {"scope": self.scope, "ident": f"client-{client.pk}"}
