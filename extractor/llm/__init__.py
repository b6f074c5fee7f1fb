"""The model layer: back ends that complete or score a prompt, and what keeps them in check.

Takes a prompt (or a chat request) and gives a completion, its usage and, on a back end
that has logprobs, the score of each candidate continuation. In the order a request
passes through them:

* :mod:`.prompts` -- the versioned templates of ``prompts/``, rendered strictly;
* :mod:`.cache` -- answers asked for once, then read from a response store;
* :mod:`.ratelimit` -- requests and tokens a minute, shared by threads;
* :mod:`.transport` -- HTTP retries, timeouts and ``Retry-After``;
* :mod:`.backends` -- :func:`~.backends.make_backend` from the settings, over
  :mod:`.base` (the protocol), :mod:`.local` (llama.cpp in-process) and
  :mod:`.openai_backend` (any OpenAI-compatible server);
* :mod:`.tokens` -- token estimates where no tokenizer is at hand.

Layering: imports ``extractor.models``, ``extractor.errors`` and ``extractor.settings``;
never the language layer, extraction, comparison, runs, io or the CLI.
"""
