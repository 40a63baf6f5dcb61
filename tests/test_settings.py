import ast
import re
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


def test_a_misspelt_yes_no_setting_refuses_to_start():
    """API_REQUIRE_LOGIN=ture must not leave the API open."""
    out = _import_settings({"API_REQUIRE_LOGIN": "ture"})
    assert out.returncode != 0
    assert "API_REQUIRE_LOGIN='ture' is not a yes/no value" in out.stderr
    assert _import_settings({"API_REQUIRE_LOGIN": "yes"}).returncode == 0


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


def test_redis_url_selects_the_shared_redis_cache():
    """With REDIS_URL the cache (and so the API throttle counts) lives in Redis."""
    code = (
        "import django; django.setup(); from django.core.cache import caches; cache = caches['default']; "
        "cache.set('settings-test', 'shared', 5); "
        "print(type(cache).__name__, cache.get('settings-test'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "webapp.settings",
            "REDIS_URL": "redis://127.0.0.1:6379/15",
        },
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["RedisCache", "shared"]


def test_without_redis_url_the_cache_is_local_memory():
    code = (
        "import django; django.setup(); from django.core.cache import caches; cache = caches['default']; "
        "print(type(cache).__name__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "webapp.settings"},
        capture_output=True,
        text=True,
    )
    assert out.stdout.strip() == "LocMemCache", out.stderr


def test_the_redis_cache_reuses_one_client_per_pool():
    """Django's client built a redis.Redis for every command (0.25 ms each)."""
    from webapp.cache import RedisCache

    cache = RedisCache("redis://127.0.0.1:6379/15", {})
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client
    assert client.connection_pool is cache._cache._get_connection_pool(False)


# Files whose environment reads a deployment sets, and the reads that are not settings.
_DEPLOYMENT_FILES = (
    *sorted((ROOT / "webapp").glob("*.py")),
    ROOT / "bench" / "stack.py",
)
_NOT_SETTINGS = {"TMPDIR"}


def _is_os_environ(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _environment_reads(path: Path) -> set[str]:
    """Names read by ``env(...)``, ``env.<type>(...)``, ``env_flag(...)``,
    ``os.environ.get(...)``, ``os.environ[...]`` and ``os.getenv(...)``."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        key: ast.expr | None = None
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            if (
                (isinstance(func, ast.Name) and func.id in {"env", "env_flag"})
                or (
                    isinstance(func, ast.Attribute)
                    and isinstance(func.value, ast.Name)
                    and func.value.id == "env"
                )
                or (
                    isinstance(func, ast.Attribute)
                    and func.attr == "get"
                    and _is_os_environ(func.value)
                )
                or (
                    isinstance(func, ast.Attribute)
                    and func.attr == "getenv"
                    and isinstance(func.value, ast.Name)
                    and func.value.id == "os"
                )
            ):
                key = node.args[0]
        elif isinstance(node, ast.Subscript) and _is_os_environ(node.value):
            key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            names.add(key.value)
    return names - _NOT_SETTINGS


def test_the_environment_reads_are_found():
    """The parser sees settings.py's reads of each kind (a guard for the test below)."""
    reads = _environment_reads(ROOT / "webapp" / "settings.py")
    assert {"DJANGO_DEBUG", "DATABASE_URL", "NUM_PROXIES", "TRUSTED_PROXIES"} <= reads
    assert {"GUNICORN_WORKERS"} <= _environment_reads(
        ROOT / "webapp" / "gunicorn_conf.py"
    )


def test_env_example_lists_every_environment_variable_read():
    listed = set(
        re.findall(
            r"^#? ?([A-Z][A-Z0-9_]*)=",
            (ROOT / ".env.example").read_text(),
            flags=re.MULTILINE,
        )
    )
    missing = {
        f"{name} ({path.relative_to(ROOT)})"
        for path in _DEPLOYMENT_FILES
        for name in _environment_reads(path) - listed
    }
    assert not missing, f"add to .env.example: {', '.join(sorted(missing))}"
