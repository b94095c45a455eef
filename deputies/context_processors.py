from .scopes import user_scope


def roles(request):
    """The current user's roles, for the navigation."""
    scope = user_scope(request.user)
    return {"user_roles": scope.roles, "user_scope": scope}
