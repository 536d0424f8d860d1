"""The machine a run measured, for its context (bench/run.py merges it into results.json):
what Google Benchmark's own context reports (CPU caches, MHz, frequency scaling; read from the
same /proc and /sys files it reads), the CPU model in full, and the kernel's memory settings that
change what a benchmark of threads and stacks measures. Linux only; a file that cannot be read
leaves its field out. Python 3 standard library only.
"""

import os

# The kernel's memory settings that matter here: transparent huge pages (stacks and rings may be
# backed by huge pages, or not), mmap address randomisation (ThreadSanitizer's runtime needs
# vm.mmap_rnd_bits <= 28, docs NOTES), the mapping limit (one per coroutine stack and guard page),
# overcommit (large stack reservations), and NUMA balancing (page migration under the benchmark).
MM_FILES = [
    ("thp", "/sys/kernel/mm/transparent_hugepage/enabled"),
    ("thp defrag", "/sys/kernel/mm/transparent_hugepage/defrag"),
    ("vm.nr_hugepages", "/proc/sys/vm/nr_hugepages"),
    ("vm.mmap_rnd_bits", "/proc/sys/vm/mmap_rnd_bits"),
    ("vm.max_map_count", "/proc/sys/vm/max_map_count"),
    ("vm.overcommit_memory", "/proc/sys/vm/overcommit_memory"),
    ("kernel.numa_balancing", "/proc/sys/kernel/numa_balancing"),
    ("kernel.randomize_va_space", "/proc/sys/kernel/randomize_va_space"),
]
CPU = "/sys/devices/system/cpu"


def _read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return None


def _cpuinfo():
    """{field: value} of the first processor in /proc/cpuinfo."""
    out = {}
    text = _read("/proc/cpuinfo") or ""
    for line in text.splitlines():
        if not line.strip():
            break
        k, sep, v = line.partition(":")
        if sep:
            out[k.strip()] = v.strip()
    return out


def caches():
    """'L1d 32 KiB (x1), L1i 32 KiB, L2 512 KiB, L3 32768 KiB (shared by 2)', as Google Benchmark
    lists them, from cpu0's cache directory."""
    base = os.path.join(CPU, "cpu0", "cache")
    try:
        names = sorted(n for n in os.listdir(base) if n.startswith("index"))
    except OSError:
        return None
    out = []
    for n in names:
        d = os.path.join(base, n)
        level, kind, size = (_read(os.path.join(d, f)) for f in ("level", "type", "size"))
        if not (level and kind and size):
            continue
        tag = {"Data": "d", "Instruction": "i"}.get(kind, "")
        shared = _read(os.path.join(d, "shared_cpu_list")) or ""
        count = 0
        for part in filter(None, shared.split(",")):
            a, _, b = part.partition("-")
            count += int(b) - int(a) + 1 if b else 1
        out.append(f"L{level}{tag} {size.replace('K', ' KiB')}"
                   + (f" (shared by {count})" if count > 1 else ""))
    return ", ".join(out) or None


def scaling():
    """'governor performance, 1500-3000 MHz' or None when the kernel exposes no cpufreq (a
    virtual machine usually does not: its frequency is the host's)."""
    d = os.path.join(CPU, "cpu0", "cpufreq")
    gov = _read(os.path.join(d, "scaling_governor"))
    lo, hi = _read(os.path.join(d, "scaling_min_freq")), _read(os.path.join(d, "scaling_max_freq"))
    if gov is None:
        return "no cpufreq (frequency not controlled by this kernel)"
    text = f"governor {gov}"
    if lo and hi and lo.isdigit() and hi.isdigit():
        text += f", {int(lo) // 1000}\u2013{int(hi) // 1000} MHz"
    return text


def context():
    """The fields this module adds to a run's context."""
    info = _cpuinfo()
    out = {}
    if info.get("model name"):
        out["cpu_model_full"] = info["model name"]
        extra = [f"{k} {info[k]}" for k in ("cpu family", "model", "stepping") if k in info]
        if extra:
            out["cpu_model_full"] += " (" + ", ".join(extra) + ")"
    if info.get("cpu MHz"):
        out["cpu_mhz"] = info["cpu MHz"]
    out["caches"] = caches() or (
        f"{info['cache size']} (/proc/cpuinfo; no per-level list in /sys)" if info.get("cache size")
        else "not exposed by this kernel (no " + os.path.join(CPU, "cpu0", "cache") + ")")
    out["cpu_scaling"] = scaling()
    nodes = [n for n in (os.listdir("/sys/devices/system/node")
                         if os.path.isdir("/sys/devices/system/node") else [])
             if n.startswith("node") and n[4:].isdigit()]
    if nodes:
        out["numa_nodes"] = len(nodes)
    mem = (_read("/proc/meminfo") or "").splitlines()
    total = next((line.split()[1] for line in mem if line.startswith("MemTotal:")), None)
    if total and total.isdigit():
        out["memory"] = f"{int(total) / 1048576:.1f} GiB"
    mm = []
    for label, path in MM_FILES:
        v = _read(path)
        if v is not None and "[" in v:  # a choice list: the chosen one is in brackets
            v = v[v.index("[") + 1:v.index("]")] if "]" in v else v
        if v is not None:
            mm.append(f"{label} {v}")
    if mm:
        out["mm"] = "; ".join(mm)
    return out


def load_avg():
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None
