"""A small keep-alive HTTP/1.1 load generator for machines without wrk.

Raw asyncio streams and a pre-built request keep the generator's own cost low, so on two cores it
disturbs the server as little as a Python client can; the server CPU per request is the number to
compare either way.
"""

import asyncio
import time
from collections.abc import Callable


async def _connection(host: str, port: int, request: Callable[[], bytes], deadline: float,
                      latencies: list[float], errors: list[int]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(request())
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            if not head.startswith(b"HTTP/1.1 2"):
                errors.append(1)
            latencies.append(time.perf_counter() - started)
    finally:
        writer.close()


async def run(host: str, port: int, request: Callable[[], bytes], connections: int,
              seconds: float) -> dict[str, float]:
    """``request`` makes each request's bytes (a case may number its requests)."""
    latencies: list[float] = []
    errors: list[int] = []
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(*(_connection(host, port, request, deadline, latencies, errors)
                           for _ in range(connections)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    count = len(latencies)
    return {"requests": count, "rps": count / elapsed,
            "p50_ms": latencies[count // 2] * 1000 if count else 0.0,
            "p99_ms": latencies[min(count - 1, int(count * 0.99))] * 1000 if count else 0.0,
            "errors": len(errors)}
