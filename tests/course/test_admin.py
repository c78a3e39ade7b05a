import pytest

from course.models import Section
from quizapp.accounts.models import User

pytestmark = pytest.mark.django_db


def test_a_script_typed_into_a_section_in_the_admin_never_runs(client, make_course):
    make_course()
    admin = User.objects.create_superuser("root", "root@example.org", "admin-pass-12")
    client.force_login(admin)
    section = Section.objects.get(slug="section-1")
    url = f"/admin/course/section/{section.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form.initial.get(name, "") for name in form.fields}
    data["topics"] = [t.pk for t in section.topics.all()]
    data["course"] = section.course_id
    data["body_fr"] = 'Avant <script>alert("x")</script> <b onmouseover="alert(1)">après</b>'
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    page = client.get(section.get_absolute_url()).text
    body = page.split('<article class="section-body"')[1]
    assert "<script>" not in body
    assert "onmouseover" not in body
    assert "après" in body
