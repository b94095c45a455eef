"""Token authentication for the open API: `Authorization: Bearer <token>`.

Only the token's SHA-256 is stored (api.models.ApiClient); a revoked or unknown token is a
401 with a Chinese message. A browser session is not accepted: the API is for clients.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from .models import ApiClient
from .services import client_for_token

KEYWORD = "Bearer"
# last_used_at is written at most once a minute per client, not on every request.
LAST_USED_GRANULARITY = 60


class ClientTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header:
            return None
        if header[0].decode("latin-1").lower() != KEYWORD.lower() or len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("访问令牌格式有误：请在请求头写 Authorization: Bearer <令牌>。")
            )
        try:
            token = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("访问令牌无效或已撤销。")) from exc
        client = client_for_token(token)
        if client is None:
            raise exceptions.AuthenticationFailed(_("访问令牌无效或已撤销。"))
        _touch(client)
        return client.user, client

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="api"'


def _touch(client: ApiClient) -> None:
    now = timezone.now()
    last = client.last_used_at
    if last is None or (now - last).total_seconds() > LAST_USED_GRANULARITY:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
