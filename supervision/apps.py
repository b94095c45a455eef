from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "履职监督"

    def ready(self):
        # A change to any record that counts invalidates the dashboard's cached figures.
        from supervision.dashboard.services import connect_signals

        connect_signals()
        # Records of a closed year change only with office-staff rights and a reason.
        from supervision.closing.services import connect_signals as connect_closing

        connect_closing()
        # Which rule version judges which year: read from the rule sets (supervision.rules).
        from supervision.rulesets.selectors import connect as connect_rulesets

        connect_rulesets()
