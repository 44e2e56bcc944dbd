# frozen_string_literal: true

module MyceliumTelemetry
  # Base class of the errors this library raises itself. Caller mistakes (a bad argument or
  # configuration value) raise Ruby's own ArgumentError or TypeError instead, and problems
  # reaching the collector never raise at all: they only show up in Client#stats.
  class Error < StandardError; end

  # Raised by calls on a client after it was shut down (Client#shutdown,
  # MyceliumTelemetry.shutdown_global or the end of a Client.open block).
  class ShutDownError < Error; end

  # Raised at load time when no native library could be found; the message names every place
  # that was tried.
  class LibraryNotFoundError < Error; end

  # A bug inside the native library, caught at its boundary. The call had no other effect.
  class InternalError < Error; end
end
