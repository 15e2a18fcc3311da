"""Check how the sandbox's runner decides that a new kernel is ready (``ready_client_class``).

A kernel is ready once IOPub shows it idle after a ``kernel_info`` request. The subscription to
IOPub takes a moment, and an idle published before it took never arrives; ipykernel says when
a subscription took (``iopub_welcome``). These tests play the kernel's side with fake channels,
so they can say exactly which messages were lost.
"""
import asyncio
from queue import Empty

from autograder.sandbox.runner import ready_client_class


class FakeKernel:
    """Answers every ``kernel_info`` on the shell channel; its idle reaches IOPub only once
    the subscription has taken, ``lost`` requests after the first."""

    def __init__(self, lost, welcome):
        self.lost, self.welcome = lost, welcome
        self.requests = 0
        self.shell, self.iopub = [], []
        self.iopub_waits = []

    def kernel_info(self):
        self.requests += 1
        msg_id = f"request-{self.requests}"
        self.shell.append({"msg_type": "kernel_info_reply", "parent_header": {"msg_id": msg_id},
                           "content": {}})
        if self.requests <= self.lost:
            if self.welcome and self.requests == self.lost:  # the subscription takes now
                self.iopub.append({"msg_type": "iopub_welcome", "parent_header": {}, "content": {}})
            return
        self.iopub.append({"msg_type": "status", "parent_header": {"msg_id": msg_id},
                           "content": {"execution_state": "busy"}})
        self.iopub.append({"msg_type": "status", "parent_header": {"msg_id": msg_id},
                           "content": {"execution_state": "idle"}})


class Channel:
    def __init__(self, queue, waits=None):
        self.queue, self.waits = queue, waits

    async def get_msg(self, timeout=None):
        if self.waits is not None:
            self.waits.append(timeout)
        if not self.queue:
            raise Empty
        return self.queue.pop(0)


def ready_against(kernel):
    base = ready_client_class()

    class Client(base):
        shell_channel = property(lambda self: Channel(kernel.shell))
        iopub_channel = property(lambda self: Channel(kernel.iopub, kernel.iopub_waits))

        def kernel_info(self):
            kernel.kernel_info()

        async def _async_is_alive(self):
            return True

        def _handle_kernel_info_reply(self, reply):
            self.ready_reply = reply

    client = Client()
    asyncio.run(client.wait_for_ready(timeout=5))
    return client


def test_a_kernel_whose_first_idle_arrives_is_ready_after_one_request():
    kernel = FakeKernel(lost=0, welcome=True)
    client = ready_against(kernel)
    assert kernel.requests == 1
    assert client.ready_reply["parent_header"]["msg_id"] == "request-1"


def test_a_lost_idle_is_asked_again_as_soon_as_the_kernel_welcomes_the_subscription():
    kernel = FakeKernel(lost=1, welcome=True)
    client = ready_against(kernel)
    assert kernel.requests == 2, "a second kernel_info once the welcome showed the first idle lost"
    assert client.ready_reply["parent_header"]["msg_id"] == "request-2"
    # the first wait is short (a lost idle costs 10 ms, not jupyter_client's 0.2 s); after the
    # welcome the idle cannot be lost, so the second may wait as long as a loaded machine needs
    assert kernel.iopub_waits[0] == 0.01, kernel.iopub_waits
    assert kernel.iopub_waits[-1] == 0.2, kernel.iopub_waits


def test_a_kernel_that_never_welcomes_is_asked_again_with_growing_waits():
    kernel = FakeKernel(lost=3, welcome=False)
    client = ready_against(kernel)
    assert kernel.requests == 4
    assert client.ready_reply["parent_header"]["msg_id"] == "request-4"
    assert kernel.iopub_waits[:3] == [0.01, 0.02, 0.04], kernel.iopub_waits


def test_the_client_reconnects_to_a_kernel_not_yet_listening_within_milliseconds():
    import zmq

    client = ready_client_class()()
    try:
        # ZeroMQ's default is 100 ms: the wait a client that connected too early would idle
        assert client.context.getsockopt(zmq.RECONNECT_IVL) == 5
    finally:
        client.context.destroy()
