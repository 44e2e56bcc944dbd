# frozen_string_literal: true

module MyceliumTelemetry
  # Base class of the errors this library raises itself. Caller mistakes (a bad argument or
  # configuration value) raise Ruby's own ArgumentError or TypeError instead, and problems
  # reaching the collector never raise at all: they only show up in Client#stats.
  class Error < StandardError; end

  # The error for a call on a client after it was shut down. No call raises it any more: such a
  # call does nothing, as in every binding (bindings/contract.json). Kept so that code naming
  # it (in a rescue) still loads.
  class ShutDownError < Error; end

  # Raised at load time when no native library could be found; the message names every place
  # that was tried.
  class LibraryNotFoundError < Error; end

  # A bug inside the native library, caught at its boundary. Not raised: it is reported with
  # Kernel#warn and the call has no effect (bindings/contract.json). Kept for code naming it.
  class InternalError < Error; end
end
