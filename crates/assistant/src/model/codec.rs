//! Little-endian byte writing and bounds-checked reading for the model format.
//!
//! Large tables are written as plain byte runs, so reading a model is a handful of copies
//! rather than parsing: it loads in a few milliseconds even in the browser.

use super::ModelError;

#[derive(Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    pub fn u8(&mut self, v: u8) {
        self.bytes.push(v);
    }

    pub fn u16(&mut self, v: u16) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    pub fn u32(&mut self, v: u32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    /// Lengths and counts; every one in a model is far below 4 GiB.
    pub fn count(&mut self, v: usize) {
        self.u32(u32::try_from(v).expect("model tables are smaller than 4 GiB"));
    }

    pub fn f32(&mut self, v: f32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    pub fn f64(&mut self, v: f64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    pub fn f32s(&mut self, v: &[f32]) {
        self.count(v.len());
        v.iter().for_each(|&x| self.f32(x));
    }

    pub fn str(&mut self, s: &str) {
        self.count(s.len());
        self.bytes.extend_from_slice(s.as_bytes());
    }

    pub fn raw(&mut self, v: &[u8]) {
        self.count(v.len());
        self.bytes.extend_from_slice(v);
    }
}

pub struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes }
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        if n > self.bytes.len() {
            return Err(ModelError::Truncated);
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], ModelError> {
        Ok(self.take(N)?.try_into().expect("take returns N bytes"))
    }

    pub fn u8(&mut self) -> Result<u8, ModelError> {
        Ok(self.take(1)?[0])
    }

    pub fn u16(&mut self) -> Result<u16, ModelError> {
        self.array().map(u16::from_le_bytes)
    }

    pub fn u32(&mut self) -> Result<u32, ModelError> {
        self.array().map(u32::from_le_bytes)
    }

    pub fn count(&mut self) -> Result<usize, ModelError> {
        Ok(self.u32()? as usize)
    }

    pub fn f32(&mut self) -> Result<f32, ModelError> {
        self.array().map(f32::from_le_bytes)
    }

    pub fn f64(&mut self) -> Result<f64, ModelError> {
        self.array().map(f64::from_le_bytes)
    }

    pub fn f32s(&mut self) -> Result<Vec<f32>, ModelError> {
        let n = self.count()?;
        let raw = self.take(n.checked_mul(4).ok_or(ModelError::Truncated)?)?;
        Ok(raw
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().expect("chunks of 4")))
            .collect())
    }

    pub fn str(&mut self) -> Result<String, ModelError> {
        let n = self.count()?;
        String::from_utf8(self.take(n)?.to_vec())
            .map_err(|_| ModelError::Invalid("text is not UTF-8"))
    }

    pub fn raw(&mut self) -> Result<&'a [u8], ModelError> {
        let n = self.count()?;
        self.take(n)
    }
}
