from django.apps import AppConfig


class JdrendaConfig(AppConfig):
    """The project package as an app, only to wire cross-app signals at start-up."""

    name = "jdrenda"
    verbose_name = "嘉定区人大代表履职管理系统"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from deputies.mfa import remember_on_login

        user_logged_in.connect(remember_on_login, dispatch_uid="jdrenda.mfa.remember_on_login")
