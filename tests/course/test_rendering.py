from django.utils import translation

from course.rendering import render_markdown


def test_it_removes_script_typed_into_content():
    html = render_markdown("Hello <script>alert(1)</script> <img src=x onerror=alert(2)>")
    assert "<script" not in html
    assert "onerror" not in html
    assert "alert(2)" not in html


def test_it_drops_event_handlers_added_with_attribute_lists():
    html = render_markdown('## Title {#safe onclick="alert(1)"}')
    assert 'id="safe"' in html
    assert "onclick" not in html


def test_it_refuses_javascript_links():
    html = render_markdown("[click](javascript:alert(1))")
    assert "javascript:" not in html


def test_it_keeps_heading_anchors_tables_and_code():
    html = render_markdown("## Port 587 {#port-587}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n`EHLO`")
    assert '<h2 id="port-587">' in html
    assert "<table>" in html
    assert "<code>EHLO</code>" in html


def test_it_resolves_glossary_and_section_links_in_the_active_language(db):
    text = "[MTA](glossary:mta) and [STARTTLS](section:ports-security#starttls)"
    with translation.override("fr"):
        french = render_markdown(text)
    with translation.override("en"):
        english = render_markdown(text)
    assert 'href="/course/glossary/#mta"' in french
    assert 'href="/course/ports-security/#starttls"' in french
    assert 'href="/en/course/glossary/#mta"' in english
    assert 'href="/en/course/ports-security/#starttls"' in english


def test_it_marks_external_links_noopener():
    html = render_markdown("[RFC 6409](https://www.rfc-editor.org/rfc/rfc6409)")
    assert 'rel="noopener noreferrer"' in html


def test_a_text_is_rendered_once_per_language_and_again_once_edited(monkeypatch):
    from django.utils import translation

    from course import rendering

    calls = []
    real = rendering.markdown.markdown
    monkeypatch.setattr(
        rendering.markdown, "markdown", lambda text, **kw: calls.append(text) or real(text, **kw)
    )
    text = "Un *texte* unique pour ce test."
    with translation.override("fr"):
        first = rendering.render_markdown(text)
        assert rendering.render_markdown(text) == first
    with translation.override("en"):
        rendering.render_markdown(text)
    with translation.override("fr"):
        assert "édité" in rendering.render_markdown(text + " édité")
    assert len(calls) == 3  # fr, en, then the edited text: never the same twice


def test_inline_markdown_keeps_code_and_emphasis_and_nothing_else():
    from course.rendering import render_inline, render_plain

    html = render_inline('S : `250 OK`, *vite* <img src=x onerror="alert(1)"> [lien](http://x)')
    assert html == "S : <code>250 OK</code>, <em>vite</em>  lien"
    assert render_plain("`<b>` **gras**") == "&lt;b&gt; gras"
