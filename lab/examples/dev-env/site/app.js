// A second file of the sample site: the suite edits copies of these, never the committed files.
document.getElementById('message').textContent += ' (with app.js)';
