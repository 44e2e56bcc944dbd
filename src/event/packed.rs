//! An event as the caller handed it over: its fields, by name, packed into one buffer.

use super::{check_json_object, unix_now, TrackError};

/// One tracked event, exactly as the caller gave it: nothing is scrubbed yet.
///
/// All its strings share one buffer, so tracking an event costs one allocation, and a queue
/// slot stays small (the queue reserves every slot up front).
#[derive(Debug)]
pub(crate) struct Event {
    timestamp: f64,
    kind: Kind,
    /// The metric value of a performance event.
    value: f64,
    /// The event's strings, one after another.
    text: Box<str>,
    /// Where each of up to four fields ends in `text` (each starts where the previous ends).
    ends: [u32; 4],
    /// Bit `i` set when field `i` was given (optional fields may be absent).
    present: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    AgentUsage,
    Performance,
    Error,
    SystemInfo,
}

/// An event's fields by name. The only place that knows which slot of the packed buffer holds
/// which field is the pair [`Fields::into_slots`] / [`Fields::from_slots`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Fields<'a> {
    AgentUsage {
        agent_id: &'a str,
        operation: &'a str,
        metadata: Option<&'a str>,
    },
    Performance {
        metric_name: &'a str,
        value: f64,
        unit: Option<&'a str>,
        tags: Option<&'a str>,
    },
    Error {
        error_type: &'a str,
        message: &'a str,
        stack_trace: Option<&'a str>,
        context: Option<&'a str>,
    },
    SystemInfo,
}

type Slots<'a> = [Option<&'a str>; 4];

impl<'a> Fields<'a> {
    fn into_slots(self) -> (Kind, f64, Slots<'a>) {
        match self {
            Fields::AgentUsage {
                agent_id,
                operation,
                metadata,
            } => (
                Kind::AgentUsage,
                0.0,
                [Some(agent_id), Some(operation), metadata, None],
            ),
            Fields::Performance {
                metric_name,
                value,
                unit,
                tags,
            } => (
                Kind::Performance,
                value,
                [Some(metric_name), unit, tags, None],
            ),
            Fields::Error {
                error_type,
                message,
                stack_trace,
                context,
            } => (
                Kind::Error,
                0.0,
                [Some(error_type), Some(message), stack_trace, context],
            ),
            Fields::SystemInfo => (Kind::SystemInfo, 0.0, [None; 4]),
        }
    }

    fn from_slots(kind: Kind, value: f64, [first, second, third, fourth]: Slots<'a>) -> Self {
        match kind {
            Kind::AgentUsage => Fields::AgentUsage {
                agent_id: first.unwrap_or_default(),
                operation: second.unwrap_or_default(),
                metadata: third,
            },
            Kind::Performance => Fields::Performance {
                metric_name: first.unwrap_or_default(),
                value,
                unit: second,
                tags: third,
            },
            Kind::Error => Fields::Error {
                error_type: first.unwrap_or_default(),
                message: second.unwrap_or_default(),
                stack_trace: third,
                context: fourth,
            },
            Kind::SystemInfo => Fields::SystemInfo,
        }
    }
}

impl Event {
    pub(crate) fn agent_usage(
        agent_id: &str,
        operation: &str,
        metadata: Option<&str>,
    ) -> Result<Self, TrackError> {
        check_optional_object(metadata)?;
        Event::pack(Fields::AgentUsage {
            agent_id,
            operation,
            metadata,
        })
    }

    pub(crate) fn performance(
        metric_name: &str,
        value: f64,
        unit: Option<&str>,
        tags: Option<&str>,
    ) -> Result<Self, TrackError> {
        if !value.is_finite() {
            return Err(TrackError::InvalidArgument);
        }
        check_optional_object(tags)?;
        Event::pack(Fields::Performance {
            metric_name,
            value,
            unit,
            tags,
        })
    }

    pub(crate) fn error(
        error_type: &str,
        error_message: &str,
        stack_trace: Option<&str>,
        context: Option<&str>,
    ) -> Result<Self, TrackError> {
        check_optional_object(context)?;
        Event::pack(Fields::Error {
            error_type,
            message: error_message,
            stack_trace,
            context,
        })
    }

    pub(crate) fn system_info() -> Result<Self, TrackError> {
        Event::pack(Fields::SystemInfo)
    }

    /// Copies the fields into one buffer and stamps the time.
    fn pack(fields: Fields<'_>) -> Result<Self, TrackError> {
        let (kind, value, fields) = fields.into_slots();
        let total: usize = fields.iter().flatten().map(|field| field.len()).sum();
        if u32::try_from(total).is_err() {
            return Err(TrackError::InvalidArgument);
        }
        let mut text = String::with_capacity(total);
        let mut ends = [0u32; 4];
        let mut present = 0u8;
        for (index, field) in fields.iter().enumerate() {
            if let Some(field) = field {
                text.push_str(field);
                present |= 1 << index;
            }
            // Cannot truncate: the total fits in u32, checked above.
            ends[index] = text.len() as u32;
        }
        Ok(Event {
            timestamp: unix_now(),
            kind,
            value,
            text: text.into_boxed_str(),
            ends,
            present,
        })
    }

    /// Field `index`, if it was given.
    fn field(&self, index: usize) -> Option<&str> {
        if self.present & (1 << index) == 0 {
            return None;
        }
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        Some(&self.text[start as usize..self.ends[index] as usize])
    }

    /// The event's fields by name.
    pub(super) fn fields(&self) -> Fields<'_> {
        let slots = [self.field(0), self.field(1), self.field(2), self.field(3)];
        Fields::from_slots(self.kind, self.value, slots)
    }

    /// All the strings, one after another, as they are stored.
    #[cfg(test)]
    pub(super) fn packed_text(&self) -> &str {
        &self.text
    }

    pub(crate) fn timestamp(&self) -> f64 {
        self.timestamp
    }

    /// The agent id, metric name or error type, as given (used by a test-only fault hook).
    pub(crate) fn first_field(&self) -> Option<&str> {
        self.field(0)
    }
}

fn check_optional_object(text: Option<&str>) -> Result<(), TrackError> {
    text.map_or(Ok(()), check_json_object)
}
