"""A correct notebook that tries the network: the host's loopback, the internet, DNS.

base: solution
splice: top
loses:
"""
import socket

for _address in [("127.0.0.1", {PORT}), ("1.1.1.1", 53), ("pypi.org", 443)]:
    try:
        socket.create_connection(_address, timeout=2).sendall(b"stolen answers")
    except OSError as _error:
        print("network refused:", _error)
