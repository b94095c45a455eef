"""Login by username or by the mobile number on a deputy's roster entry."""

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class MobileNumberBackend(ModelBackend):
    """Lets a deputy type the mobile number the office has on the roster instead of a username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password or not username.isdigit():
            return None
        from .models import Deputy

        user_ids = set(
            Deputy.objects.filter(mobile=username, user__isnull=False).values_list(
                "user_id", flat=True
            )
        )
        if len(user_ids) != 1:
            return None
        user = get_user_model().objects.filter(pk=user_ids.pop()).first()
        if user and user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are issued by the office: no self-service sign-up."""

    def is_open_for_signup(self, request):
        return False
