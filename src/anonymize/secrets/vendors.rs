//! Credentials recognised by their vendor's format: a literal prefix, then a body of a known
//! alphabet and length. One row per format, as data; [`match_at`] checks only the rows whose
//! prefix starts with the byte at hand, so a word costs one table lookup when no row applies.
//!
//! The rows are written from the vendors' own documentation of their token formats and from
//! what public secret scanners (gitleaks, detect-secrets, GitHub secret scanning) list as
//! detectable; none of their rule files is copied. A token this table misses is still caught
//! by its context or its shape (see `context.rs`, `shape.rs`).

/// The characters a token's body may hold.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Alphabet {
    /// `A-Z a-z 0-9`
    Alnum,
    /// `A-Z a-z 0-9 _ -`
    Base64Url,
    /// base64url plus `.`, for formats made of dotted parts (SendGrid, Doppler, Dynatrace).
    Dotted,
    /// `A-Z a-z 0-9 + / = _ -`
    Base64,
    /// `0-9 a-f A-F`
    Hex,
    /// `A-Z 0-9`
    Upper,
    /// `a-z 0-9`
    Lower,
    /// hex, `-` and `$` (Postman, Braintree).
    Structured,
    /// What a crypt-style password hash holds: base64, `.`, `$` and `,`.
    Crypt,
}

impl Alphabet {
    pub(crate) fn allows(self, byte: u8) -> bool {
        match self {
            Alphabet::Alnum => byte.is_ascii_alphanumeric(),
            Alphabet::Base64Url => byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-'),
            Alphabet::Dotted => byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.'),
            Alphabet::Base64 => {
                byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'/' | b'=' | b'_' | b'-')
            }
            Alphabet::Hex => byte.is_ascii_hexdigit(),
            Alphabet::Upper => byte.is_ascii_uppercase() || byte.is_ascii_digit(),
            Alphabet::Lower => byte.is_ascii_lowercase() || byte.is_ascii_digit(),
            Alphabet::Structured => byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'$'),
            Alphabet::Crypt => byte.is_ascii_alphanumeric() || b"./+=$,_-".contains(&byte),
        }
    }
}

/// One vendor token format.
pub(crate) struct Format {
    /// Names the row for readers and for the tests' messages.
    #[cfg_attr(not(test), allow(dead_code))]
    pub vendor: &'static str,
    /// Case-sensitive literal the token starts with.
    pub prefix: &'static str,
    pub body: Alphabet,
    /// Bounds on the body's length (after the prefix).
    pub min: u16,
    pub max: u16,
}

const fn row(
    vendor: &'static str,
    prefix: &'static str,
    body: Alphabet,
    min: u16,
    max: u16,
) -> Format {
    Format {
        vendor,
        prefix,
        body,
        min,
        max,
    }
}

use Alphabet::*;

/// Open-ended formats use 255 as their upper bound; a longer body is still that token.
pub(crate) const FORMATS: &[Format] = &[
    row("GitHub", "ghp_", Alnum, 30, 255),
    row("GitHub", "gho_", Alnum, 30, 255),
    row("GitHub", "ghu_", Alnum, 30, 255),
    row("GitHub", "ghs_", Alnum, 30, 255),
    row("GitHub", "ghr_", Alnum, 30, 255),
    row("GitHub", "github_pat_", Base64Url, 22, 255),
    row("GitLab", "glpat-", Base64Url, 20, 255),
    row("GitLab", "gldt-", Base64Url, 20, 255),
    row("GitLab", "glrt-", Base64Url, 20, 255),
    row("GitLab", "glptt-", Base64Url, 20, 255),
    row("GitLab", "glft-", Base64Url, 20, 255),
    row("GitLab", "glcbt-", Base64Url, 20, 255),
    row("GitLab", "glimt-", Base64Url, 20, 255),
    row("GitLab", "gloas-", Base64Url, 20, 255),
    row("GitLab", "glsoat-", Base64Url, 20, 255),
    row("GitLab", "glagent-", Base64Url, 20, 255),
    row("GitLab", "glwt-", Base64Url, 20, 255),
    row("GitLab", "GR1348941", Base64Url, 20, 255),
    row("Slack", "xoxb-", Base64Url, 10, 255),
    row("Slack", "xoxp-", Base64Url, 10, 255),
    row("Slack", "xoxa-", Base64Url, 10, 255),
    row("Slack", "xoxo-", Base64Url, 10, 255),
    row("Slack", "xoxs-", Base64Url, 10, 255),
    row("Slack", "xoxr-", Base64Url, 10, 255),
    row("Slack", "xoxe-", Base64Url, 10, 255),
    row("Slack", "xoxe.xoxp-", Base64Url, 10, 255),
    row("Slack", "xapp-", Base64Url, 10, 255),
    row("Stripe", "sk_live_", Alnum, 16, 255),
    row("Stripe", "sk_test_", Alnum, 16, 255),
    row("Stripe", "rk_live_", Alnum, 16, 255),
    row("Stripe", "rk_test_", Alnum, 16, 255),
    row("Stripe", "pk_live_", Alnum, 16, 255),
    row("Stripe", "pk_test_", Alnum, 16, 255),
    row("Stripe", "whsec_", Alnum, 16, 255),
    row("Anthropic", "sk-ant-", Base64Url, 20, 255),
    row("OpenAI (and other sk- keys)", "sk-", Base64Url, 20, 255),
    row("Google API key", "AIza", Base64Url, 35, 35),
    row("Google OAuth client secret", "GOCSPX-", Base64Url, 24, 40),
    row("Google OAuth access token", "ya29.", Base64Url, 20, 255),
    row("AWS access key id", "AKIA", Upper, 16, 16),
    row("AWS access key id", "ASIA", Upper, 16, 16),
    row("AWS access key id", "ABIA", Upper, 16, 16),
    row("AWS access key id", "ACCA", Upper, 16, 16),
    row("AWS id", "AGPA", Upper, 16, 16),
    row("AWS id", "AIDA", Upper, 16, 16),
    row("AWS id", "AIPA", Upper, 16, 16),
    row("AWS id", "ANPA", Upper, 16, 16),
    row("AWS id", "ANVA", Upper, 16, 16),
    row("AWS id", "APKA", Upper, 16, 16),
    row("AWS id", "AROA", Upper, 16, 16),
    row("AWS id", "ASCA", Upper, 16, 16),
    row("npm", "npm_", Alnum, 36, 36),
    row("PyPI", "pypi-", Base64Url, 50, 255),
    row("RubyGems", "rubygems_", Hex, 48, 48),
    row("NuGet", "oy2", Lower, 43, 43),
    row("Docker Hub", "dckr_pat_", Base64Url, 20, 255),
    row("Docker Hub", "dckr_oat_", Base64Url, 20, 255),
    row("Hugging Face", "hf_", Alnum, 30, 40),
    row("Hugging Face", "api_org_", Alnum, 30, 40),
    row("Twilio API key", "SK", Hex, 32, 32),
    row("SendGrid", "SG.", Dotted, 60, 70),
    row("Mailgun", "key-", Hex, 32, 32),
    row("Shopify", "shpat_", Hex, 32, 32),
    row("Shopify", "shpca_", Hex, 32, 32),
    row("Shopify", "shppa_", Hex, 32, 32),
    row("Shopify", "shpss_", Hex, 32, 32),
    row("Atlassian", "ATATT", Base64, 40, 255),
    row("Atlassian", "ATCTT", Base64, 40, 255),
    row("Bitbucket", "ATBB", Alnum, 28, 64),
    row("Linear", "lin_api_", Alnum, 40, 40),
    row("Linear", "lin_oauth_", Alnum, 40, 64),
    row("Notion", "secret_", Alnum, 43, 43),
    row("Notion", "ntn_", Alnum, 40, 60),
    row("Databricks", "dapi", Hex, 32, 34),
    row("DigitalOcean", "dop_v1_", Hex, 64, 64),
    row("DigitalOcean", "doo_v1_", Hex, 64, 64),
    row("DigitalOcean", "dor_v1_", Hex, 64, 64),
    row("Heroku", "HRKU-", Base64Url, 30, 80),
    row("Square", "sq0atp-", Base64Url, 22, 22),
    row("Square", "sq0csp-", Base64Url, 43, 43),
    row("Square", "EAAA", Base64Url, 60, 60),
    row(
        "Braintree / PayPal",
        "access_token$production$",
        Structured,
        40,
        60,
    ),
    row(
        "Braintree / PayPal",
        "access_token$sandbox$",
        Structured,
        40,
        60,
    ),
    row("Doppler", "dp.pt.", Alnum, 40, 44),
    row("Doppler", "dp.st.", Dotted, 40, 60),
    row("Doppler", "dp.sa.", Alnum, 40, 44),
    row("Doppler", "dp.ct.", Alnum, 40, 44),
    row("Doppler", "dp.scim.", Alnum, 40, 44),
    row("Doppler", "dp.audit.", Alnum, 40, 44),
    row("HashiCorp Vault", "hvs.", Base64Url, 24, 255),
    row("HashiCorp Vault", "hvb.", Base64Url, 24, 255),
    row("HashiCorp Vault", "hvr.", Base64Url, 24, 255),
    row("Pulumi", "pul-", Hex, 40, 40),
    row("Postman", "PMAK-", Structured, 55, 64),
    row("Grafana Cloud", "glc_", Base64, 32, 255),
    row("Grafana service account", "glsa_", Base64Url, 32, 48),
    row("New Relic", "NRAK-", Upper, 27, 27),
    row("New Relic", "NRJS-", Hex, 19, 19),
    row("New Relic", "NRII-", Upper, 27, 32),
    row("Sentry", "sntrys_", Base64, 40, 255),
    row("Sentry", "sntryu_", Hex, 64, 64),
    row("Dynatrace", "dt0c01.", Dotted, 80, 100),
    row("Dynatrace", "dt0s01.", Dotted, 80, 100),
    row("age", "AGE-SECRET-KEY-1", Upper, 50, 70),
    row("Django password hash", "pbkdf2_sha256$", Crypt, 20, 255),
    row("Django password hash", "pbkdf2_sha1$", Crypt, 20, 255),
    row("Django password hash", "argon2$argon2", Crypt, 20, 255),
    row("Django password hash", "bcrypt_sha256$", Crypt, 20, 255),
    row("Django password hash", "bcrypt$", Crypt, 20, 255),
    row("Django password hash", "scrypt$", Crypt, 20, 255),
    row("Figma", "figd_", Base64Url, 30, 60),
    row("Fly.io", "fo1_", Base64Url, 30, 60),
    row("Fly.io", "fm2_", Base64, 30, 255),
    row("Supabase", "sbp_", Hex, 40, 40),
    row("Netlify", "nfp_", Alnum, 36, 40),
    row("Sourcegraph", "sgp_", Base64Url, 40, 80),
    row("Prefect", "pnu_", Alnum, 36, 36),
    row("PlanetScale", "pscale_tkn_", Base64Url, 32, 64),
    row("PlanetScale", "pscale_pw_", Base64Url, 32, 64),
    row("PlanetScale", "pscale_oauth_", Base64Url, 32, 64),
    row("Replicate", "r8_", Alnum, 37, 40),
    row("Groq", "gsk_", Alnum, 48, 56),
    row("xAI", "xai-", Alnum, 70, 90),
    row("Perplexity", "pplx-", Alnum, 40, 56),
    row("Tailscale", "tskey-", Base64Url, 20, 80),
    row("Contentful", "CFPAT-", Base64Url, 43, 43),
    row("Clojars", "CLOJARS_", Lower, 60, 60),
    row("Adafruit IO", "aio_", Alnum, 28, 28),
    row("Duffel", "duffel_live_", Base64Url, 43, 43),
    row("Duffel", "duffel_test_", Base64Url, 43, 43),
    row("EasyPost", "EZAK", Alnum, 54, 54),
    row("EasyPost", "EZTK", Alnum, 54, 54),
    row("Flutterwave", "FLWSECK-", Base64Url, 32, 40),
    row("Flutterwave", "FLWSECK_TEST-", Base64Url, 32, 40),
    row("Frame.io", "fio-u-", Base64Url, 64, 64),
    row("ReadMe", "rdme_", Lower, 70, 70),
    row("Brevo", "xkeysib-", Base64Url, 60, 90),
    row("Typeform", "tfp_", Base64Url, 40, 64),
    row("Octopus Deploy", "API-", Upper, 26, 32),
    row("Shippo", "shippo_live_", Hex, 40, 40),
    row("Shippo", "shippo_test_", Hex, 40, 40),
    row("Mapbox", "sk.eyJ", Dotted, 40, 255),
    row("LangSmith", "lsv2_pt_", Base64Url, 40, 64),
    row("LangSmith", "lsv2_sk_", Base64Url, 40, 64),
    row("Infracost", "ico-", Alnum, 32, 32),
    row("Meta / Facebook", "EAACEdEose0cBA", Alnum, 20, 255),
    row(
        "Twitter / X bearer",
        "AAAAAAAAAAAAAAAAAAAAA",
        Base64,
        30,
        255,
    ),
    row("Scalingo", "tk-us-", Base64Url, 48, 48),
    row("Yandex", "AQVN", Base64Url, 35, 38),
    row("Intra42", "s-s4t2ud-", Hex, 64, 64),
    row("Azure DevOps (prefixed)", "azdo_", Base64Url, 30, 255),
    row("Cloudflare origin CA", "v1.0-", Structured, 100, 255),
    row("Terraform Cloud", "atlasv1.", Base64Url, 60, 255),
    row("Stripe-style restricted test", "sk_org_", Alnum, 16, 255),
];

/// Lengths are counted in bytes; every byte that [`Alphabet::allows`] is ASCII.
fn body_end(text: &[u8], start: usize, body: Alphabet, max: usize) -> usize {
    let mut end = start;
    while end < text.len() && end - start <= max && body.allows(text[end]) {
        end += 1;
    }
    end
}

/// If a vendor token starts at `start` (a word start), its end.
pub(crate) fn match_at(text: &[u8], start: usize) -> Option<usize> {
    let first = text[start];
    if !may_start(first, *text.get(start + 1)?) {
        return None;
    }
    let rows = &ROWS_BY_FIRST_BYTE[usize::from(first)];
    for (word_index, &word) in rows.iter().enumerate() {
        let mut bits = word;
        while bits != 0 {
            let row = word_index * 64 + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let format = &FORMATS[row];
            // Compared by hand: prefixes are short, and a memcmp call costs more than they do.
            let prefix = format.prefix.as_bytes();
            let rest = &text[start..];
            if rest.len() < prefix.len() || prefix.iter().zip(rest).any(|(p, t)| p != t) {
                continue;
            }
            let body_start = start + format.prefix.len();
            let end = body_end(text, body_start, format.body, usize::from(format.max));
            let length = end - body_start;
            // A body longer than the format allows is some other word sharing the prefix.
            if length >= usize::from(format.min) && length <= usize::from(format.max) {
                return Some(end);
            }
        }
    }
    None
}

/// Whether any row starts with `first` then `second`: most words are passed over with this
/// one lookup, without a call.
#[inline]
pub(crate) fn may_start(first: u8, second: u8) -> bool {
    let second = usize::from(second);
    SECOND_BYTES[usize::from(first)][second / 64] & (1 << (second % 64)) != 0
}

/// For each first byte, the second bytes some prefix continues with: most words that share a
/// first byte with a prefix are turned away here, before any comparison.
static SECOND_BYTES: [[u64; 4]; 256] = {
    let mut table = [[0u64; 4]; 256];
    let mut row = 0;
    while row < FORMATS.len() {
        let prefix = FORMATS[row].prefix.as_bytes();
        let (first, second) = (prefix[0] as usize, prefix[1] as usize);
        table[first][second / 64] |= 1 << (second % 64);
        row += 1;
    }
    table
};

const ROW_WORDS: usize = FORMATS.len().div_ceil(64);

/// For each first byte, the set of rows whose prefix starts with it (bit `i` = `FORMATS[i]`):
/// a word is compared only with the few rows that could match it.
static ROWS_BY_FIRST_BYTE: [[u64; ROW_WORDS]; 256] = {
    let mut table = [[0u64; ROW_WORDS]; 256];
    let mut row = 0;
    while row < FORMATS.len() {
        let first = FORMATS[row].prefix.as_bytes()[0] as usize;
        table[first][row / 64] |= 1 << (row % 64);
        row += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(token: &str) -> bool {
        match_at(token.as_bytes(), 0) == Some(token.len())
    }

    #[test]
    fn one_token_per_family() {
        for token in [
            "ghp_0123456789abcdefghijABCDEFGHIJ012345",
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
            "glpat-abcdefghij0123456789",
            "xoxb-1234567890-abcdefghij",
            "sk_live_abcdefghijklmnop1234",
            "sk-proj-abcdefghijklmnopqrstuvwx",
            "AIzaSyA1234567890abcdefghijklmnopqrstuv",
            "AKIAIOSFODNN7EXAMPLE",
            "npm_abcdefghijklmnopqrstuvwxyz0123456789",
            "hf_abcdefghijklmnopqrstuvwxyzABCDEFGH",
            "SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
            "dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "shpat_0123456789abcdef0123456789abcdef",
            "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ",
            "hvs.CAESIJ0123456789abcdefghijklmnop",
            "dp.pt.abcdefghijklmnopqrstuvwxyz0123456789ABCD",
            "PMAK-0123456789abcdef01234567-0123456789abcdef0123456789abcdef01",
        ] {
            assert!(matches(token), "{token}");
        }
    }

    #[test]
    fn prefixes_of_ordinary_words_do_not_match() {
        for word in [
            "sk-learn",
            "key-value",
            "AKIA",
            "SKU12",
            "secret_sauce",
            "API-design",
        ] {
            assert!(match_at(word.as_bytes(), 0).is_none(), "{word}");
        }
    }

    #[test]
    fn every_row_is_well_formed() {
        for format in FORMATS {
            assert!(
                format.prefix.len() >= 2 && format.min <= format.max,
                "{}",
                format.vendor
            );
        }
    }
}
