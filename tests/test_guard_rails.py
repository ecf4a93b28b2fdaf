"""The guard rails: a mistyped --root, a missing public address, a forgotten placeholder or an
empty article is caught before anything is published, with a message saying what to do;
`build` and `check` agree on what is an error."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from site_builder.cli import main
from support.sites import article, build, snapshot, write_site

SITE_YAML = "title: Archive\nbase_url: https://example.org/\n"
REGISTRY = "Hewlett Packard Enterprise:\n  aliases: [HPE]\n"


def site(root: Path, files: dict[str, str] | None = None, yaml: str = SITE_YAML) -> Path:
    files = {"site.yaml": yaml, "content/companies.yaml": REGISTRY,
             "content/2020/10/hpe.md": article(), **(files or {})}  # fmt: skip
    return write_site(root, files)


# --- --root ------------------------------------------------------------------------------

COMMANDS_WITH_A_ROOT = [
    ["build"],
    ["check"],
    ["search", "hpe"],
    ["serve", "--port", "0"],
    ["new", "Un titre", "--company", "HPE", "--source", "S"],
    ["import", "texte.txt"],
]


@pytest.mark.parametrize("command", COMMANDS_WITH_A_ROOT)
def test_a_root_that_does_not_exist_is_an_error_and_nothing_is_created(tmp_path, capsys, command):
    missing = tmp_path / "sitte"
    assert main([*command, "--root", str(missing)]) == 2
    assert capsys.readouterr().err == f"error: --root {missing}: no such folder\n"
    assert not missing.exists()


@pytest.mark.parametrize("command", COMMANDS_WITH_A_ROOT)
def test_a_folder_without_content_is_not_taken_for_a_site(tmp_path, capsys, command):
    (tmp_path / "site.yaml").write_text(SITE_YAML, "utf-8")
    assert main([*command, "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {tmp_path} has no content/ folder: is it a site root?")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site.yaml"]  # no output/, no cache


def test_a_root_that_is_a_file_is_an_error(tmp_path, capsys):
    (tmp_path / "site.yaml").write_text(SITE_YAML, "utf-8")
    assert main(["build", "--root", str(tmp_path / "site.yaml")]) == 2
    assert "error: --root " in capsys.readouterr().err


def test_no_command_prints_the_help(capsys):
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: site-builder")
    for command in ("build", "check", "serve", "search", "new", "import"):
        assert re.search(rf"^\s+{command}\s", err, re.M), command


# --- base_url ----------------------------------------------------------------------------


def test_a_build_without_base_url_ends_with_a_warning_saying_how_to_set_it(tmp_path, capsys):
    site(tmp_path, yaml="title: Archive\n")
    assert build(tmp_path) == 0
    captured = capsys.readouterr()
    last = captured.err.strip().splitlines()[-1]
    assert last.startswith("warning: site.yaml: [base_url] no base_url is set: ")
    assert (
        "feeds, the sitemap, robots.txt and canonical links point at http://127.0.0.1:8000/" in last
    )
    assert "`base_url: https://example.org/` in site.yaml or `--base-url " in last
    assert "http://127.0.0.1:8000/" in (tmp_path / "output/feed.xml").read_text("utf-8")
    # check says the same, and a warning alone does not fail it.
    assert main(["check", "--root", str(tmp_path)]) == 0
    assert "warning: site.yaml: [base_url] no base_url is set" in capsys.readouterr().out


def test_a_loopback_base_url_is_named_as_such(tmp_path, capsys):
    site(tmp_path, yaml="base_url: http://localhost:8000/\n")
    assert build(tmp_path) == 0
    assert "warning: site.yaml: [base_url] base_url http://localhost:8000/ is a loopback " \
        "address" in capsys.readouterr().err  # fmt: skip
    assert build(tmp_path, "--base-url", "http://127.0.0.1:9000/") == 0
    assert "warning: --base-url: [base_url] base_url http://127.0.0.1:9000/ is a loopback" in (
        capsys.readouterr().err
    )
    assert main(["check", "--root", str(tmp_path)]) == 0
    assert "warning: site.yaml: [base_url] base_url http://localhost:8000/ is a loopback " \
        "address" in capsys.readouterr().out  # fmt: skip


def test_a_public_base_url_gets_no_warning(tmp_path, capsys):
    site(tmp_path, yaml="title: Archive\n")
    assert build(tmp_path, "--base-url", "https://example.org/") == 0
    assert "warning" not in capsys.readouterr().err
    site(tmp_path)
    assert main(["check", "--root", str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith("no problems in ")


def test_serve_says_nothing_of_the_base_url(tmp_path):
    # The preview is meant for this machine: its loopback address is no mistake there.
    site(tmp_path, yaml="title: Archive\n")
    process, _, lines = _serve(tmp_path)
    _stop(process)
    assert "Serving" in lines[-1]
    assert "base_url" not in "".join(lines)


# --- build refuses what check calls an error -------------------------------------------


def test_a_published_placeholder_stops_the_build_as_check_reports_it(tmp_path, capsys):
    site(tmp_path)
    assert build(tmp_path) == 0
    published = snapshot(tmp_path / "output")
    write_site(
        tmp_path, {"content/2020/11/a-finir.md": article(title="À finir", source="À compléter")}
    )
    before = snapshot(tmp_path / "content")
    capsys.readouterr()
    assert main(["check", "--root", str(tmp_path)]) == 1
    check_errors = [
        line for line in capsys.readouterr().out.splitlines() if line.startswith("error:")
    ]
    assert check_errors == [
        "error: content/2020/11/a-finir.md:4: [source] 'À compléter' is a placeholder to replace "
        "(published)"
    ]
    assert build(tmp_path) == 1
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if line.startswith("error:")] == check_errors
    assert "1 error in 1 file; nothing was written" in err
    assert snapshot(tmp_path / "output") == published  # no /sources/a-completer/ page
    assert snapshot(tmp_path / "content") == before  # the content is left as it was
    # Still a draft: a warning in both, and the publishing build leaves it out.
    (tmp_path / "content/2020/11/a-finir.md").write_text(
        article(title="À finir", source="À compléter", draft="true"), "utf-8"
    )
    assert build(tmp_path) == 0
    assert not (tmp_path / "output/sources/a-completer").exists()
    assert main(["check", "--root", str(tmp_path)]) == 0
    assert "warning: content/2020/11/a-finir.md:4: [source] 'À compléter' is a placeholder " \
        "to replace (still a draft)" in capsys.readouterr().out  # fmt: skip


def test_build_and_check_give_the_same_errors_on_a_broken_archive(tmp_path, capsys):
    shared = Path(__file__).parent / "fixtures" / "check" / "broken"
    shutil.copytree(shared, tmp_path / "site")
    root = tmp_path / "site"
    assert main(["check", "--root", str(root)]) == 1
    from_check = sorted(line for line in capsys.readouterr().out.splitlines()
                        if line.startswith("error:"))  # fmt: skip
    assert build(root) == 1
    from_build = sorted(line for line in capsys.readouterr().err.splitlines()
                        if line.startswith("error:"))  # fmt: skip
    assert len(from_check) == 11
    assert from_build == from_check
    assert not (root / "output").exists()


def test_located_and_unlocated_errors_of_one_file_are_all_reported(tmp_path, capsys):
    # A title clash has no line, a broken link has one: both are reported, the clash first.
    same = article(title="Même titre", body="Voir [rien](absent.md).")
    site(tmp_path, {"content/2020/10/a.md": same, "content/2020/10/b.md": same})
    assert main(["check", "--root", str(tmp_path)]) == 1
    from_check = [
        line for line in capsys.readouterr().out.splitlines() if line.startswith("error:")
    ]
    assert build(tmp_path) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert [line for line in err.splitlines() if line.startswith("error:")] == from_check
    assert [line.split(" [")[0] for line in from_check] == [
        "error: content/2020/10/a.md:7:",
        "error: content/2020/10/b.md:",
        "error: content/2020/10/b.md:7:",
    ]


def test_a_draft_s_warnings_come_in_the_same_order_from_build_and_check(tmp_path, capsys):
    draft = article(title="À finir", source="À compléter", body="", draft="true")
    site(tmp_path, {"content/2020/11/a-finir.md": draft})
    assert build(tmp_path, "--drafts") == 0
    from_build = [line for line in capsys.readouterr().err.splitlines() if "a-finir" in line]
    assert main(["check", "--root", str(tmp_path)]) == 0
    from_check = [line for line in capsys.readouterr().out.splitlines() if "a-finir" in line]
    assert from_build == from_check
    assert [line.split(" [")[0] for line in from_check] == [
        "warning: content/2020/11/a-finir.md:",  # the empty body: no line, first
        "warning: content/2020/11/a-finir.md:4:",
    ]


def test_a_link_to_a_missing_article_or_a_draft_stops_the_build(tmp_path, capsys):
    site(tmp_path, {
        "content/2020/11/b.md": article(title="Suite", body="Voir [le brouillon](../12/c.md), [la page](/2020/12/brouillon/) et [rien](absent.md)."),
        "content/2020/12/c.md": article(title="Brouillon", date="2020-12-01", draft="true"),
    })  # fmt: skip
    assert build(tmp_path) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: content/2020/11/b.md:7: [link] links to ../12/c.md, a draft that a publishing "
        "build leaves out",
        "error: content/2020/11/b.md:7: [link] links to /2020/12/brouillon/, a draft that a "
        "publishing build leaves out",
        "error: content/2020/11/b.md:7: [link] links to absent.md, but content/2020/11/absent.md "
        "does not exist",
    ]
    # Built with the drafts (as `serve` does), the draft is there: only the missing file is left.
    assert build(tmp_path, "--drafts") == 1
    assert "does not exist" in capsys.readouterr().err


def test_a_future_date_stops_the_build(tmp_path, capsys):
    site(tmp_path, {"content/2999/01/futur.md": article(title="Futur", date="2999-01")})
    assert build(tmp_path) == 1
    assert "error: content/2999/01/futur.md:3: [date] 2999-01 is in the future" in (
        capsys.readouterr().err
    )


def test_an_anchor_missing_in_the_linked_article_stops_the_build_until_the_heading_exists(
    tmp_path, capsys
):
    site(tmp_path, {
        "content/2020/11/b.md": article(title="Suite", body="Voir [le détail](../10/hpe.md#detail)."),
    })  # fmt: skip
    assert build(tmp_path) == 1
    assert "has no heading with the id #detail (its ids: none)" in capsys.readouterr().err
    (tmp_path / "content/2020/10/hpe.md").write_text(article(body="## Détail\n\nTexte."), "utf-8")
    assert build(tmp_path) == 0
    # The other way round, from the build cache: the heading goes, the link breaks again.
    (tmp_path / "content/2020/10/hpe.md").write_text(article(body="Texte."), "utf-8")
    assert build(tmp_path) == 1
    assert "has no heading with the id #detail" in capsys.readouterr().err


# --- empty bodies ------------------------------------------------------------------------


def test_an_empty_article_is_a_warning_in_build_and_check(tmp_path, capsys):
    site(tmp_path, {"content/2020/11/vide.md": article(title="Vide", date="2020-11", body="")})
    warning = (
        "warning: content/2020/11/vide.md: [body] the article has no text after its front "
        "matter (its page shows the title alone)"
    )
    assert build(tmp_path) == 0
    assert warning in capsys.readouterr().err.splitlines()
    assert (tmp_path / "output/2020/11/vide/index.html").exists()  # published all the same
    # Nothing changed: the build says it again.
    assert build(tmp_path) == 0
    assert warning in capsys.readouterr().err.splitlines()
    assert main(["check", "--root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert warning in out.splitlines()
    assert out.splitlines()[-1] == "0 errors, 1 warning in 3 files"
    # Filled in: the warning goes.
    (tmp_path / "content/2020/11/vide.md").write_text(
        article(title="Vide", date="2020-11", body="Du texte."), "utf-8"
    )
    assert build(tmp_path) == 0
    assert "warning" not in capsys.readouterr().err


# --- serve -------------------------------------------------------------------------------


def test_serve_refuses_a_port_that_does_not_exist(tmp_path, capsys):
    site(tmp_path)
    with pytest.raises(SystemExit) as exit:
        main(["serve", "--root", str(tmp_path), "--port", "99999"])
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert "argument --port: 99999 is not a port number: use 1 to 65535 (0: any free port)" in err
    assert "Traceback" not in err


def _serve(root: Path, *options: str) -> tuple[subprocess.Popen, str, list[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "serve", "--root", str(root), "--port", "0",
         *options],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)
        if match := re.search(r"Serving (http://[\d.]+:\d+/)", line):
            return process, match[1], lines
    process.wait(timeout=10)
    raise AssertionError("serve did not start:\n" + "".join(lines))


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(2)  # Ctrl-C
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def _request(address: str, port: int, host_header: str) -> int:
    with socket.create_connection((address, port), timeout=10) as connection:
        connection.sendall(f"GET / HTTP/1.1\r\nHost: {host_header}\r\n\r\n".encode())
        return int(connection.recv(64).split()[1])


def _loopback_alias_works() -> bool:
    try:
        with socket.socket() as probe:
            probe.bind(("127.0.0.2", 0))
        return True
    except OSError:
        return False


def test_serve_on_all_addresses_warns_and_still_checks_the_host_header(tmp_path):
    site(tmp_path)
    process, url, lines = _serve(tmp_path, "--host", "0.0.0.0")
    try:
        port = int(url.rsplit(":", 1)[1].strip("/"))
        assert url == f"http://127.0.0.1:{port}/"
        banner = "".join(lines)
        assert "warning: --host 0.0.0.0: other machines on the network can reach this preview, " \
            "drafts included" in banner  # fmt: skip
        # The page is answered on loopback, for the address the request came in on.
        deadline = time.monotonic() + 30
        while _request("127.0.0.1", port, f"127.0.0.1:{port}") != 200:
            assert time.monotonic() < deadline, "the preview never built"
            time.sleep(0.1)
        assert _request("127.0.0.1", port, f"localhost:{port}") == 200
        # A name that is not this server's (DNS rebinding) is refused, as on loopback.
        assert _request("127.0.0.1", port, "attacker.example") == 400
        assert _request("127.0.0.1", port, f"10.1.2.3:{port}") == 400
        # Path traversal is refused as before.
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(
                f"GET /../secret HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
            )
            assert int(connection.recv(64).split()[1]) == 403
    finally:
        _stop(process)


@pytest.mark.skipif(not _loopback_alias_works(), reason="127.0.0.2 is not on this machine")
def test_serve_on_another_address_answers_that_address_only(tmp_path):
    site(tmp_path)
    process, url, lines = _serve(tmp_path, "--host", "127.0.0.2")
    try:
        port = int(url.rsplit(":", 1)[1].strip("/"))
        assert url == f"http://127.0.0.2:{port}/"
        assert "warning: --host" not in "".join(lines)  # 127.0.0.2 is loopback too
        deadline = time.monotonic() + 30
        while _request("127.0.0.2", port, f"127.0.0.2:{port}") != 200:
            assert time.monotonic() < deadline, "the preview never built"
            time.sleep(0.1)
        assert _request("127.0.0.2", port, "attacker.example") == 400
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200
    finally:
        _stop(process)


def test_the_preview_shows_content_warnings_without_failing(tmp_path):
    from site_builder.preview.server import PreviewBuild

    site(tmp_path, {
        "content/2020/11/vide.md": article(title="Vide", date="2020-11", body=""),
        "content/2020/12/brouillon.md": article(title="B", date="2020-12-01", source="À compléter", draft="true"),
    })  # fmt: skip
    log = open(tmp_path / "log.txt", "w+", encoding="utf-8")  # noqa: SIM115
    preview = PreviewBuild(tmp_path, tmp_path / ".cache" / "preview", "http://127.0.0.1:1/", log)
    state = preview.rebuild()
    assert state.built
    assert [(p.file, p.severity) for p in state.problems] == [
        ("content/2020/11/vide.md", "warning"),
        ("content/2020/12/brouillon.md", "warning"),
    ]
    assert '"severity": "warning"' in state.event()
    assert (tmp_path / ".cache/preview/2020/12/b/index.html").exists()  # drafts are previewed
    # A published placeholder is an error there too: the last good pages stay.
    (tmp_path / "content/2020/10/hpe.md").write_text(article(source="À compléter"), "utf-8")
    state = preview.rebuild()
    preview.close()
    assert ("content/2020/10/hpe.md", "error") in [(p.file, p.severity) for p in state.problems]
    log.seek(0)
    assert "still serving the last good pages until fixed" in log.read()
