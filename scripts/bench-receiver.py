#!/usr/bin/env python3
"""A fast webhook receiver for the delivery benchmark (asyncio, keep-alive, 200 to every POST).
Prints its port, then serves; on SIGTERM prints the request count and the distinct webhook-ids."""
import asyncio, signal, sys

count = 0
ids = set()


async def handle(reader, writer):
    global count
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"webhook-id":
                    ids.add(value.strip())
            if length:
                await reader.readexactly(length)
            count += 1
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    except (asyncio.IncompleteReadError, ConnectionResetError):
        writer.close()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=256)
    print(server.sockets[0].getsockname()[1], flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    print(f"{count} requests, {len(ids)} distinct webhook-ids", flush=True)


asyncio.run(main())
