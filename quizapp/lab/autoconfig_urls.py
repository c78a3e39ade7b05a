"""The addresses mail clients ask for settings: outside the language prefixes, as clients expect."""

from django.urls import path

from quizapp.lab import autoconfig_views

app_name = "autoconfig"
urlpatterns = [
    path(
        ".well-known/autoconfig/mail/config-v1.1.xml",
        autoconfig_views.thunderbird,
        name="well_known",
    ),
    path("mail/config-v1.1.xml", autoconfig_views.thunderbird, name="thunderbird"),
    path("autodiscover/autodiscover.xml", autoconfig_views.outlook, name="outlook"),
    path("Autodiscover/Autodiscover.xml", autoconfig_views.outlook),
]
