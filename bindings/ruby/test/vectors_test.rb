# frozen_string_literal: true

require_relative "test_helper"

# The binding's anonymizer gives exactly what the C ABI gave for the shared vectors.
class VectorsTest < TelemetryTest
  VECTORS_FILE = File.expand_path("../../../tests/privacy/vectors.json", __dir__)

  def test_anonymizer_matches_the_shared_vectors
    document = JSON.parse(File.read(VECTORS_FILE, encoding: "UTF-8"))
    salt = document.fetch("salt")
    vectors = document.fetch("vectors")
    functions = {
      "hash_identifier" => ->(input) { MyceliumTelemetry.hash_identifier(salt, input) },
      "anonymize_path" => ->(input) { MyceliumTelemetry.anonymize_path(input) },
      "anonymize_message" => ->(input) { MyceliumTelemetry.anonymize_message(input) },
      "anonymize_stack_trace" => ->(input) { MyceliumTelemetry.anonymize_stack_trace(input) }
    }
    # An empty file would make every check below vacuous.
    refute_empty vectors, "#{VECTORS_FILE} has no vectors"

    mismatches = vectors.flat_map do |vector|
      functions.filter_map do |name, function|
        actual = function.call(vector.fetch("input"))
        expected = vector.fetch(name)
        next if actual == expected

        "#{name}(#{vector['input'].inspect}):\n  expected #{expected.inspect}\n  actual   #{actual.inspect}"
      end
    end
    assert mismatches.empty?, "#{mismatches.size} mismatches:\n#{mismatches.join("\n")}"
  end
end
