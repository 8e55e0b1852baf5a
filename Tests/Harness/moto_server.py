#!/usr/bin/env python3
"""A moto server for the tests: 127.0.0.1 on a free port, printed as the first line of stdout.

Usage: moto_server.py [EXTENSION.py ...]
Each extension is a Python file imported before the server starts (moto resource models or
extra operations, e.g. moto_codepipeline*.py). The server stops when stdin closes, so a test
process that dies never leaves it running.
"""
import importlib.util
import os
import sys

from moto.server import ThreadedMotoServer


def load_extension(path):
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


def main():
    for path in sys.argv[1:]:
        load_extension(path)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    print(port, flush=True)
    sys.stdin.read()  # returns at end of input: the test process closed it or died
    server.stop()


if __name__ == "__main__":
    main()
