//! A small element tree over quick-xml: enough to walk the UN list faithfully (text with the five
//! predefined entities and character references resolved; CDATA kept; comments and processing
//! instructions dropped; a DOCTYPE refused, so no custom entities can inject text).

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::{ImportError, Result};

#[derive(Debug, Clone, Default)]
pub(crate) struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    /// The element's own text (all text nodes directly inside it, concatenated).
    pub text: String,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
}

fn err(pos: u64, e: impl std::fmt::Display) -> ImportError {
    ImportError::new(format!("XML error at byte {pos}: {e}"))
}

pub(crate) fn parse(bytes: &[u8]) -> Result<Element> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| ImportError::new(format!("the XML file is not UTF-8: {e}")))?;
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let pos = reader.buffer_position();
        let ev = reader.read_event().map_err(|e| err(pos, e))?;
        match ev {
            Event::Start(s) => {
                let mut el = Element {
                    name: String::from_utf8_lossy(s.name().as_ref()).into_owned(),
                    ..Element::default()
                };
                for a in s.attributes() {
                    let a = a.map_err(|e| err(pos, e))?;
                    let v = a.unescape_value().map_err(|e| err(pos, e))?;
                    el.attrs.push((
                        String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                        v.into_owned(),
                    ));
                }
                stack.push(el);
            }
            Event::Empty(s) => {
                let el = Element {
                    name: String::from_utf8_lossy(s.name().as_ref()).into_owned(),
                    ..Element::default()
                };
                stack.last_mut().expect("root").children.push(el);
            }
            Event::End(_) => {
                let el = stack.pop().expect("balanced");
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => return Err(err(pos, "unbalanced end tag")),
                }
            }
            Event::Text(t) => {
                let s = t.decode().map_err(|e| err(pos, e))?;
                stack.last_mut().expect("root").text.push_str(&s);
            }
            Event::CData(t) => {
                let s = t.decode().map_err(|e| err(pos, e))?;
                stack.last_mut().expect("root").text.push_str(&s);
            }
            Event::GeneralRef(r) => {
                let resolved = if let Some(c) = r.resolve_char_ref().map_err(|e| err(pos, e))? {
                    c.to_string()
                } else {
                    let name = r.decode().map_err(|e| err(pos, e))?;
                    quick_xml::escape::resolve_predefined_entity(&name)
                        .ok_or_else(|| err(pos, format!("unknown entity &{name};")))?
                        .to_string()
                };
                stack.last_mut().expect("root").text.push_str(&resolved);
            }
            Event::DocType(_) => return Err(err(pos, "a DOCTYPE is not accepted")),
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if stack.len() != 1 {
        return Err(ImportError::new("XML ends inside an element"));
    }
    let doc = stack.pop().expect("document");
    doc.children
        .into_iter()
        .next()
        .ok_or_else(|| ImportError::new("the XML file has no root element"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_with_entities() {
        let r = parse(b"<?xml version='1.0'?><A x='1'><B>a &amp; b&#33;</B><C/></A>").unwrap();
        assert_eq!(r.name, "A");
        assert_eq!(r.attr("x"), Some("1"));
        assert_eq!(r.child("B").unwrap().text, "a & b!");
        assert!(r.child("C").is_some());
        assert!(parse(b"<!DOCTYPE x [<!ENTITY e 'boo'>]><A>&e;</A>").is_err());
    }
}
