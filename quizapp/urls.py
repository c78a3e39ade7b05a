from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from course import views as course_views
from quizapp.bank import views as bank_views
from quizapp.exams import views as exam_views
from quizapp.ops import views as ops_views

handler500 = "quizapp.ops.views.server_error"

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("healthz", ops_views.healthz, name="healthz"),
    path("", include("quizapp.lab.autoconfig_urls")),
    # Images imported with questions: one address whatever the language of the page.
    path("media/questions/<str:name>", bank_views.media, name="question_media"),
]
# French is served without a prefix; English lives under /en/.
urlpatterns += i18n_patterns(
    path("", course_views.home, name="home"),
    path("course/", include("course.urls")),
    path("accounts/", include("quizapp.accounts.urls")),
    path("bank/", include("quizapp.bank.urls")),
    path("practice/", include("quizapp.practice.urls")),
    path("lab/trainer/", include("quizapp.grouplabs.urls")),
    path("lab/", include("quizapp.lab.urls")),
    path("", include("quizapp.privacy.urls")),
    path("exams/", include("quizapp.exams.urls")),
    path("verify/<str:code>/", exam_views.verify, name="verify"),
    path("", include("quizapp.groups.urls")),
    path("item-analysis/", include("quizapp.itemanalysis.urls")),
    path("questions/", include("quizapp.authoring.urls")),
    prefix_default_language=False,
)
