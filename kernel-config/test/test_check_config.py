"""Tests of kernel-config/check-config (run by make kernel-check-unit)."""

import importlib.machinery
import importlib.util
import pathlib
import subprocess

import pytest

HERE = pathlib.Path(__file__).resolve().parent
CHECKER = HERE.parent / "check-config"
DATA = HERE / "data"


def load_checker():
    loader = importlib.machinery.SourceFileLoader("check_config", str(CHECKER))
    spec = importlib.util.spec_from_loader("check_config", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


check_config = load_checker()
SNP_LINES = (DATA / "good.config").read_text().split("CONFIG_LSM")[1].split("\n", 1)[1]


def run(*args):
    return subprocess.run([str(CHECKER), *map(str, args)], capture_output=True, text=True)


def write(path, text):
    path.write_text(text)
    return path


def test_matching_pair_passes():
    result = run(DATA / "good.config", DATA / "fragment.config")
    assert result.returncode == 0, result.stderr
    assert "all 1 fragment(s)" in result.stdout


def test_mismatching_pair_fails_and_names_every_problem():
    result = run(DATA / "bad.config", DATA / "fragment.config")
    assert result.returncode == 1
    assert "CONFIG_VIRTIO_BLK: " in result.stderr and "asks for y, the final .config has not set" in result.stderr
    assert "CONFIG_DEVMEM: " in result.stderr and "asks for not set, the final .config has y" in result.stderr
    assert "CONFIG_X86_PAT: SNP rule needs y" in result.stderr
    assert "3 problem(s)" in result.stderr


def test_value_mismatch_fails(tmp_path):
    config = write(tmp_path / "config", (DATA / "good.config").read_text().replace(
        "CONFIG_PANIC_TIMEOUT=-1", "CONFIG_PANIC_TIMEOUT=0"))
    failures = check_config.check(str(config), [str(DATA / "fragment.config")])
    assert failures == [f"CONFIG_PANIC_TIMEOUT: {DATA / 'fragment.config'} asks for -1, "
                        "the final .config has 0"]


def test_missing_symbol_asked_on_fails(tmp_path):
    config = write(tmp_path / "config", (DATA / "good.config").read_text().replace(
        "CONFIG_VIRTIO_BLK=y\n", ""))
    failures = check_config.check(str(config), [str(DATA / "fragment.config")])
    assert len(failures) == 1 and "CONFIG_VIRTIO_BLK" in failures[0] and "has not set" in failures[0]


def test_snp_rules_apply_without_any_fragment_asking(tmp_path):
    fragment = write(tmp_path / "empty.config", "# nothing\n")
    config = write(tmp_path / "config", SNP_LINES.replace("CONFIG_SEV_GUEST=y", "CONFIG_SEV_GUEST=m")
                   .replace("# CONFIG_MODULES is not set", "CONFIG_MODULES=y"))
    failures = check_config.check(str(config), [str(fragment)])
    assert [f.split(":")[0] for f in failures] == ["CONFIG_SEV_GUEST", "CONFIG_MODULES"]
    assert "no /dev/sev-guest" in failures[0]


def test_later_fragment_wins(tmp_path):
    first = write(tmp_path / "a.config", "CONFIG_KALLSYMS=y\n")
    second = write(tmp_path / "b.config", "# CONFIG_KALLSYMS is not set\n")
    config = write(tmp_path / "config", SNP_LINES + "# CONFIG_KALLSYMS is not set\n")
    assert check_config.check(str(config), [str(first), str(second)]) == []
    assert len(check_config.check(str(config), [str(second), str(first)])) == 1


def test_unknown_symbol_fails_with_kconfig_dir(tmp_path):
    (tmp_path / "src" / "drivers").mkdir(parents=True)
    write(tmp_path / "src" / "Kconfig", "config VIRTIO_BLK\n\ttristate \"x\"\nmenuconfig DEVMEM\n")
    write(tmp_path / "src" / "drivers" / "Kconfig.x", "config PANIC_TIMEOUT\nconfig LSM\n")
    result = run("--kconfig-dir", tmp_path / "src", DATA / "good.config", DATA / "fragment.config")
    assert result.returncode == 1
    assert "CONFIG_UID16: named in" in result.stderr and "defined by no Kconfig file" in result.stderr
    assert "1 problem(s)" in result.stderr


@pytest.mark.parametrize("line, message", [
    ("CONFIG_FOO=n", "not set', not '=n'"),
    ("FOO=y", "not an option, comment or blank line"),
])
def test_malformed_fragment_is_an_input_error(tmp_path, line, message):
    fragment = write(tmp_path / "f.config", f"# why\n{line}\n")
    result = run(DATA / "good.config", fragment)
    assert result.returncode == 2
    assert f"{fragment}:2: " in result.stderr and message in result.stderr


def test_unreadable_input_and_usage_errors(tmp_path):
    result = run(tmp_path / "missing.config", DATA / "fragment.config")
    assert result.returncode == 2 and "cannot read" in result.stderr
    assert run(DATA / "good.config").returncode == 2


def test_project_fragments_are_well_formed():
    # Every option line in the real fragments parses, and each is explained by a comment.
    for fragment in sorted(HERE.parent.glob("*.config")):
        lines = fragment.read_text().splitlines()
        assert check_config.parse_config_lines(str(fragment), strict=True), fragment
        for number, line in enumerate(lines):
            if check_config.OPTION_SET.match(line) or check_config.OPTION_UNSET.match(line):
                block = number
                while block > 0 and (check_config.OPTION_SET.match(lines[block - 1])
                                     or check_config.OPTION_UNSET.match(lines[block - 1])):
                    block -= 1
                assert block > 0 and lines[block - 1].startswith("# "), \
                    f"{fragment.name}:{number + 1}: {line} has no comment saying why"
