// Draw the case's BPMN diagrams with bpmn-js (served from node_modules) and mark where the case is.
(function () {
  "use strict";
  var dataElement = document.getElementById("diagram-data");
  var host = document.getElementById("diagrams");
  if (!dataElement || !host || typeof window.BpmnJS !== "function") {
    return;
  }
  var data = JSON.parse(dataElement.textContent);
  var markers = [["active", "regie-active"], ["completed", "regie-completed"], ["incidents", "regie-incident"]];

  function mark(canvas, registry) {
    markers.forEach(function (pair) {
      (data[pair[0]] || []).forEach(function (id) {
        if (registry.get(id)) {
          canvas.addMarker(id, pair[1]);
        }
      });
    });
  }

  Object.keys(data.diagrams || {}).forEach(function (processId, index) {
    var box = document.createElement("div");
    box.className = "regie-diagram";
    box.id = "diagram-" + index;
    box.setAttribute("role", "img");
    box.setAttribute("aria-label", "Procesdiagram " + processId + "; actieve stappen zijn blauw omlijnd");
    host.appendChild(box);
    var viewer = new window.BpmnJS({ container: box });
    viewer.importXML(data.diagrams[processId]).then(function () {
      var canvas = viewer.get("canvas");
      canvas.zoom("fit-viewport", "auto");
      mark(canvas, viewer.get("elementRegistry"));
      box.setAttribute("data-rendered", "true");
      var fallback = document.getElementById("diagram-fallback");
      if (fallback) {
        fallback.querySelector(".regie-muted").hidden = true;
      }
    }).catch(function () {
      box.textContent = "Het diagram kan niet worden getoond.";
    });
  });
})();
