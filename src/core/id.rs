//! Typed ids: [`AnnotationId`] and [`RelationId`].
//!
//! Both are short strings on disk (the sidecar's `id`, a relation's `from`/`to`), but they
//! name different things: an action that removes a relation cannot be handed an annotation's
//! id by mistake, and a relation's endpoints are visibly annotation ids. Each reads as a
//! `&str` where text is wanted (it derefs to `str`, and a map keyed by it can be looked up
//! with a `&str`), and compares equal to the same text.

/// Defines a string id newtype with the conversions and comparisons every id shares.
macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash,
            serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id's text, owned.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        /// As the text: `"k3j9x0a2bc"` (a merge seeds its new ids with an annotation's debug
        /// form, which must stay as it was when ids were strings).
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(&self.0, f)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_owned())
            }
        }

        impl From<&String> for $name {
            fn from(s: &String) -> Self {
                $name(s.clone())
            }
        }

        impl From<&$name> for $name {
            fn from(id: &$name) -> Self {
                id.clone()
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.0
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }
    };
}

string_id! {
    /// The id of an annotation: unique in its sidecar and never reused (10 base32 chars when
    /// Tagline made it; any text an importer kept).
    AnnotationId
}

string_id! {
    /// The id of a relation, unique among its sidecar's relations.
    RelationId
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn an_id_reads_as_its_text_and_keys_a_map_by_it() {
        let id = AnnotationId::from("k3j9x0a2bc");
        assert_eq!(id, "k3j9x0a2bc");
        assert_eq!("k3j9x0a2bc", id);
        assert_eq!(id.len(), 10, "derefs to str");
        assert_eq!(id.to_string(), "k3j9x0a2bc");
        assert_eq!(format!("[{:<12}]", id), "[k3j9x0a2bc  ]", "pads like a str");
        assert_eq!(format!("{id:?}"), "\"k3j9x0a2bc\"", "debugs like a String");
        let map: HashMap<AnnotationId, u8> = [(id.clone(), 1)].into();
        assert_eq!(map.get("k3j9x0a2bc"), Some(&1), "looked up with a &str");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"k3j9x0a2bc\"");
        let back: RelationId = serde_json::from_str("\"r1\"").unwrap();
        assert_eq!(back.as_str(), "r1");
    }
}
