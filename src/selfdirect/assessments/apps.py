from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "selfdirect.assessments"
    label = "assessments"
    verbose_name = "Assessments"

    def ready(self) -> None:
        from selfdirect.assessments import services
        from selfdirect.people.services import on_consent_withdrawn

        on_consent_withdrawn(services.contributions_hide_on_consent_withdrawn)
