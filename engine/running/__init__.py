"""Running cases: the engine's service API (RegieEngine), the runner, rows beside a case, handlers, messages, timers, policy defaults, the runtime and the worker."""
