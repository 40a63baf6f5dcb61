import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _import_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import webapp.settings"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
    )


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    out = _import_settings({"DJANGO_DEBUG": "false"})
    assert out.returncode != 0
    assert "DJANGO_SECRET_KEY" in out.stderr


def test_settings_start_with_debug_off_and_a_secret_key():
    out = _import_settings({"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x" * 50})
    assert out.returncode == 0, out.stderr


def test_deploy_check_is_clean_with_production_settings():
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-" + "k" * 30,
            "DJANGO_ALLOWED_HOSTS": "minerals.example.org",
        },
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
